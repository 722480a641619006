"""Signed media links: valid for one path until their expiry, and never carrying the token."""

from viralclip_batch_api.core.media_links import link_is_valid, signed_query, signing_key

TOKEN = "tok-0123456789abcdef"
PATH = "/viral-clip/videos/v-1/media"
NOW = 1_800_000_000.0


def _parts(query: str) -> tuple[int, str]:
    fields = dict(item.split("=") for item in query.split("&"))
    return int(fields["expires"]), fields["signature"]


def test_a_link_is_valid_for_its_path_until_it_expires() -> None:
    key = signing_key(TOKEN)
    query, expires = signed_query(key, PATH, now=NOW, ttl_sec=60)
    given_expires, signature = _parts(query)

    assert given_expires == expires == int(NOW) + 60
    assert TOKEN not in query
    assert link_is_valid(key, PATH, expires=expires, given=signature, now=NOW + 59)
    assert not link_is_valid(key, PATH, expires=expires, given=signature, now=NOW + 60)
    assert not link_is_valid(key, "/viral-clip/videos/v-2/media", expires=expires, given=signature, now=NOW)
    assert not link_is_valid(key, PATH, expires=expires + 1, given=signature, now=NOW)
    assert not link_is_valid(signing_key(TOKEN + "x"), PATH, expires=expires, given=signature, now=NOW)


def test_a_link_without_its_parts_is_invalid() -> None:
    key = signing_key(TOKEN)
    query, expires = signed_query(key, PATH, now=NOW)
    _, signature = _parts(query)

    assert not link_is_valid(key, PATH, expires=None, given=signature, now=NOW)
    assert not link_is_valid(key, PATH, expires=expires, given=None, now=NOW)
    assert not link_is_valid(key, PATH, expires=expires, given="", now=NOW)


def test_the_signing_key_is_derived_not_the_token() -> None:
    assert signing_key(TOKEN) != TOKEN.encode()
    assert signing_key(TOKEN) == signing_key(TOKEN)
