"""What the load test does, without Locust: the demo accounts it signs in as and the pages it opens (Django URL
name, path). Kept apart from locustfile.py so tests/core/test_loadtest.py can check them against the URL
configuration without importing Locust (which patches the standard library with gevent)."""

# Demo accounts (devtools/demo.py) that sign in with a password only: the steering member and the administrator must
# also give a second factor, which a load test cannot.
ACCOUNTS = ["canbo.badinh", "canbo.ngocha", "thamdinh.badinh"]
PASSWORD = "SoTheoDoi@2026"  # devtools.demo.DEMO_PASSWORD

LOGIN = ("accounts:login", "/accounts/login/")
SESSION_LIST = ("citizens:session_list", "/reception/sessions/")
SESSION_DETAIL = ("citizens:session_detail", "/reception/sessions/{pk}/")
CASE_LIST = ("cases:case_list", "/cases/")
CASE_SEARCH = ("cases:case_list", "/cases/?q={query}")
CASE_DETAIL = ("cases:case_detail", "/cases/{pk}/")
PAGES = [LOGIN, SESSION_LIST, SESSION_DETAIL, CASE_LIST, CASE_SEARCH, CASE_DETAIL]

# What the reception desk types into the case search (the generated data's frequent words, folded or not).
SEARCHES = ["nguyen", "Nguyễn Văn", "dat dai", "khiếu nại", "lấn chiếm", "tranh chấp"]

# The detail pages opened are taken from the links of the list pages.
SESSION_LINK = r'href="/reception/sessions/(\d+)/"'
CASE_LINK = r'href="/cases/(\d+)/"'
