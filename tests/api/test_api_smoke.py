from tests.support import bearer


def test_kiosk_issues_a_ticket_and_an_officer_calls_it(client, kiosk_token, supervisor_token):
    r = client.post("/api/v1/halls/demo/tickets", json={"sector": "dat-dai"}, headers=bearer(kiosk_token))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["display_number"] == "1001"
    r = client.post("/api/v1/halls/demo/counters/1/open", headers=bearer(supervisor_token))
    assert r.status_code == 200, r.get_json()
    r = client.post("/api/v1/halls/demo/counters/1/call-next", headers=bearer(supervisor_token))
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["ticket"]["display_number"] == "1001"
    r = client.get(f"/api/v1/tickets/{body['token']}")
    assert r.get_json()["status"] == "called" and r.get_json()["counter"] == 1
