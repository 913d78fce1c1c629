"""The printer benchmark runs and reports the table the bench command prints."""
from __future__ import annotations

from bench import printer_bench


def test_the_benchmark_reports_median_and_p95_per_way_of_printing_the_qr_code(monkeypatch):
    monkeypatch.setattr(printer_bench, "TICKETS", 5)
    rows = printer_bench.run()
    assert [row["render to ESC/POS"] for row in rows][1:] == [
        "80 mm, raster + native QR (GS ( k)",
        "80 mm, raster + QR drawn as image",
        "58 mm, raster + native QR (GS ( k)",
    ]
    for row in rows:
        assert set(row) == {"render to ESC/POS", "tickets", "median ms", "p95 ms", "median CPU ms",
                            "bytes", "target (CPU)"}
        assert 0 < row["median ms"] <= row["p95 ms"] and row["bytes"] > 10_000
        assert row["median CPU ms"] > 0
