"""Dossiers: the procedure catalogue, working calendar and due dates."""
