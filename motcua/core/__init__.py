"""The kernel every component may import, and which imports none of them.

- `actors`: roles, device kinds, the `Actor` a service is told about, `SYSTEM`
- `clock`: time as a port; hall-local days
- `db`: the declarative base, engines per backend, busy and outage detection
- `errors`: domain errors with codes and translatable messages
- `events`: event names, the `Event` a use case announces, the publisher port, rooms
- `ports`: the ports a service is handed (session, clock, publisher, print queue, memo)
- `uow`: `@use_case`, the unit of work that commits and only then announces
"""
