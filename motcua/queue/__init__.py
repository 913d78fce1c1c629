"""The domain of a hall: sectors, counters, tickets, numbering, the calling policy and
wait estimates. Imports only the kernel (`motcua.core`), never Flask."""
