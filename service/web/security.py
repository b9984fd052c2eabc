"""Security headers on every response, and the session cookie's flags, behind a configurable proxy."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from service.foundations.config import Settings

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # The form's first-page preview is a data: PNG; nothing else may come from data: URLs.
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Not no-referrer: over HTTPS, Flask-WTF accepts a form only with a same-origin Referer.
    "Referrer-Policy": "same-origin",
}


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed cookie session, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Return whether the cookie is Secure: always by setting, else when the request is HTTPS."""
        configured = super().get_cookie_secure(app)
        return configured or (has_request_context() and request.is_secure)


def init_app(app: Flask, settings: Settings) -> None:
    """Trust the configured proxies, set the cookie flags and add the headers to every response."""
    if settings.trusted_proxies > 0:
        hops = settings.trusted_proxies
        # The client's address (for login limits), scheme (for Secure cookies) and the host it
        # asked for (Flask-WTF compares it with the Referer over HTTPS), as the proxies saw them.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
    )
    app.session_interface = SessionCookies()

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
