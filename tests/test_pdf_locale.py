"""A PDF issued from a Chinese page is in Chinese (Babel names the page
locale zh_Hans_CN; documents must still pick the zh_CN catalogue)."""
from core.i18n import current_locale


def test_current_locale_maps_babel_names(app):
    with app.test_request_context("/"):
        assert current_locale() == "zh_CN"
    with app.test_request_context("/"):
        from flask import session

        session["locale"] = "en"
        from flask_babel import refresh

        refresh()
        assert current_locale() == "en"
