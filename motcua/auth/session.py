"""Flask-Login glue: which staff member a browser session belongs to."""
from __future__ import annotations

from flask_login import UserMixin

from motcua.extensions import login_manager
from motcua.queue.models import StaffUser


class SignedInStaff(UserMixin):
    def __init__(self, user: StaffUser) -> None:
        self.user = user
        self.id = str(user.id)


@login_manager.user_loader
def _load_staff(user_id: str) -> SignedInStaff | None:
    from motcua.web import db

    user = db().get(StaffUser, int(user_id)) if user_id.isdigit() else None
    return SignedInStaff(user) if user is not None and user.active else None
