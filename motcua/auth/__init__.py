"""Staff accounts, API tokens and registered devices, and who an incoming request is."""
