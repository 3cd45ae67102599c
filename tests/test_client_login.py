def test_login_switches_user(client, make_user):
    make_user("u_one"); make_user("u_two")
    assert client.login("u_one").status_code == 302
    assert client.login("u_two").status_code == 302
    assert "u_two" in client.get("/account").get_data(as_text=True)
