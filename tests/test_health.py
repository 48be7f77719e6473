"""/health tells a load balancer the web process is up, without a database or Redis."""


def test_health_answers_without_signing_in(client):
    response = client.get("/health")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
