def test_the_front_door_lists_each_hall_with_its_screens(client, demo_hall):
    page = client.get("/").get_data(as_text=True)
    assert demo_hall.name in page
    assert "/kiosk/demo" in page and "/display/demo" in page and "/admin/demo/" in page


def test_the_front_door_speaks_english_when_asked(client, demo_hall):
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "Ticket kiosk" in page and "Máy lấy số" not in page


def test_the_front_door_says_how_to_start_when_there_is_no_hall(client):
    assert "motcua demo" in client.get("/").get_data(as_text=True)
