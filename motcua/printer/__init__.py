"""Printing: a small document model drawn to a 1-bit raster and ESC/POS bytes, printers
named by URLs, print jobs stored on the server, and the print agent for kiosk PCs.

Start with `document` (what a slip says), `render` (how it is drawn), `transports`
(where it goes) and `services` (jobs); `web.register` wires it all into the app.
"""
