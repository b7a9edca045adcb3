"""Every file we send back (attachments, pieces, documents, photos, exports, PDFs) goes through
here: saved rather than shown (`Content-Disposition: attachment`), never re-typed by the browser
(`X-Content-Type-Options: nosniff`), and under a sandboxing Content-Security-Policy, so that a
file which is also a web page (a polyglot that slipped past the upload checks) can never run
in the site's origin. Only images we re-encoded ourselves (report photos, always JPEG) are
shown inline, still sandboxed."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

SANDBOX_CSP = "sandbox; default-src 'none'"


def protect(response: HttpResponse, *, filename: str | None = None,
            inline: bool = False) -> HttpResponse:
    """Add the three headers to a response that carries a file."""
    response["Content-Disposition"] = (content_disposition_header(not inline, filename or "")
                                       or "inline")
    response["X-Content-Type-Options"] = "nosniff"
    # Set here, django-csp leaves it as it is.
    response["Content-Security-Policy"] = SANDBOX_CSP
    return response


def file_response(handle, *, filename: str, content_type: str | None = None,
                  inline: bool = False) -> FileResponse:
    response = FileResponse(handle, as_attachment=not inline, filename=filename,
                            content_type=content_type)
    return protect(response, filename=filename, inline=inline)


def bytes_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    return protect(HttpResponse(content, content_type=content_type), filename=filename)


class DownloadHeadersMiddleware:
    """The safety net under the views: any file response that did not go through `protect`
    (a view added later) still gets nosniff and the sandbox, and is saved rather than shown."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        is_file = isinstance(response, FileResponse) or response.has_header("Content-Disposition")
        if is_file and response.get("Content-Security-Policy") != SANDBOX_CSP:
            disposition = response.get("Content-Disposition", "")
            if not disposition.startswith("attachment"):
                response["Content-Disposition"] = "attachment" + disposition[len("inline"):] \
                    if disposition.startswith("inline") else "attachment"
            response["X-Content-Type-Options"] = "nosniff"
            response["Content-Security-Policy"] = SANDBOX_CSP
        return response
