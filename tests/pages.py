"""Every page of the site, found by walking the URL resolver, so that a new page is covered without a test changing.

``site_paths()`` gives one concrete path per URL pattern (sample values for its parameters); a check that must hold
on every page (the Content-Security-Policy header now, the browser tests later) requests each of them.
"""

import itertools
import re
import uuid

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch, Resolver404

# Values tried for a parameter, in order, until the pattern accepts one (a sha256, the admin's app label…).
SAMPLES = ["1", str(uuid.UUID(int=1)), "0" * 64, "sellers", "x", "abc-def"]


def _walk(patterns, namespace="", prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield entry, namespace, prefix + str(entry.pattern)


def _parameters(pattern):
    return list(pattern.pattern.regex.groupindex)


def _path_for(entry, namespace, route):
    names = _parameters(entry)
    if entry.name:
        for values in itertools.product(SAMPLES, repeat=len(names)):
            try:
                return reverse(f"{namespace}{entry.name}", kwargs=dict(zip(names, values, strict=True)))
            except NoReverseMatch:
                continue
        return None
    # An unnamed pattern (the admin's catch-all): its route with every parameter replaced by a sample.
    path = "/" + re.sub(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)", "x", route).replace("^", "").replace("$", "")
    return path


def site_paths():
    """[(path, pattern description)] for every URL pattern; raises if a pattern gets no path that resolves to it."""
    paths, missing = [], []
    for entry, namespace, route in _walk(get_resolver().url_patterns):
        path = _path_for(entry, namespace, route)
        try:
            matched = path is not None and resolve(path).func == entry.callback
        except Resolver404:
            matched = False
        if not matched:
            missing.append(route)
            continue
        paths.append((path, f"{namespace}{entry.name or route}"))
    if missing:
        raise AssertionError(f"no sample path for these URL patterns (add a value to SAMPLES): {missing}")
    return paths
