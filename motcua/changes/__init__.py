"""Configuration changes: who may make them, the one audited way they are made, the log.

Its own component, below administration: admin pages, staff accounts (auth) and voice packs
(display) all change configuration the same way, and none of them imports another for it.
"""
