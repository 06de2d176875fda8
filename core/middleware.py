from django.http import HttpRequest


class VietnameseFirstMiddleware:
    """The interface is Vietnamese unless the user picked another language.

    Office computers often run an English browser; Django would follow its Accept-Language header. Dropping the
    header leaves the language cookie (set by the language switcher) or LANGUAGE_CODE ("vi").
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
