"""The printer's device part: what a slip or receipt says (`document`), how it is drawn
(`render`, `stream`), printer URLs and which a hall may use (`urls`), one transport per
scheme (`transports`), and the kiosk PC's print agent (`agent`) with its wire protocol (`wire`).

It imports nothing else of motcua, nor SQLAlchemy or Flask: the print agent is installed on
kiosk PCs from this part alone (agent/pyproject.toml).
"""
