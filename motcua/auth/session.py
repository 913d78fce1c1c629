"""Flask-Login glue: which staff member a browser session belongs to.

The session keeps "<user id>:<session version>" (Flask-Login's alternative id), and every
request compares the version with the database: sign-out, a password reset or a lock raises
it, so a copied cookie stops working with the others.
"""
from __future__ import annotations

from flask_login import UserMixin

from motcua.auth.accounts import session_id, user_of_session
from motcua.core.accounts import StaffUser
from motcua.extensions import login_manager


class SignedInStaff(UserMixin):
    def __init__(self, user: StaffUser) -> None:
        self.user = user
        self.id = session_id(user)


@login_manager.user_loader
def _load_staff(kept: str) -> SignedInStaff | None:
    from motcua.web import db

    user = user_of_session(db(), kept)
    return SignedInStaff(user) if user is not None else None
