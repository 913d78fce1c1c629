"""`motcua demo` takes bookings out of the box."""
from __future__ import annotations


def test_the_demo_hall_takes_bookings_for_every_sector(runner, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "demo booking" in result.output
    days = client.get("/api/v1/halls/demo/sectors/tu-phap/slots").get_json()["days"]
    assert days and days[0]["slots"][0]["free"] == 2
