"""Reading archives: every format, bad items as errors (never raised), origins with file:line."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from analyzer.errors import BadInput
from analyzer.records import Article
from analyzer.sources.readers import SourceError, SourceReader, normalise_date, parse_fields, read_sources

BODY = "Acme Corp shares rose 5% on Tuesday after the company beat analyst estimates."


def items(*paths, **kw):
    return list(read_sources([str(p) for p in paths], **kw))


def only(*paths, **kw) -> Article:
    got = items(*paths, **kw)
    assert len(got) == 1 and isinstance(got[0], Article), got
    return got[0]


def test_txt_title_from_first_line(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(f"Acme beats estimates\n\n{BODY}\n", encoding="utf-8")
    art = only(f)
    assert (art.title, art.text, art.origin) == ("Acme beats estimates", BODY, str(f))


def test_txt_first_sentence_is_not_a_title(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(f"{BODY}\nMore text follows.", encoding="utf-8")
    art = only(f)
    assert art.title is None and art.text.startswith("Acme Corp")


def test_markdown_heading_and_front_matter(tmp_path):
    f = tmp_path / "a.md"
    f.write_text(f"---\ntitle: \"Front title\"\ndate: 2025-03-31\nurl: https://x.test/a\n---\n# Heading\n\n{BODY}\n")
    art = only(f)
    assert (art.title, art.published, art.url) == ("Front title", "2025-03-31", "https://x.test/a")
    f.write_text(f"# Acme beats\n\n{BODY}\n")
    assert only(f).title == "Acme beats"


def test_jsonl_fields_and_errors_with_line_numbers(tmp_path):
    f = tmp_path / "n.jsonl"
    f.write_text("\n".join([
        json.dumps({"headline": "H", "content": BODY, "date": "Tue, 17 Jul 2013 18:24:00 -0400",
                    "link": "https://x.test/1", "publisher": "Wire", "tickers": "$acme, XYZ"}),
        "{not json",
        json.dumps({"title": "no body", "body": "   "}),
        "",
        json.dumps(["a", "list"]),
        json.dumps({"body": BODY, "published": "yesterday-ish"}),
    ]) + "\n")
    got = items(f)
    art = got[0]
    assert isinstance(art, Article)
    assert (art.title, art.published, art.url, art.source, art.tickers) == (
        "H", "2013-07-17T18:24:00-04:00", "https://x.test/1", "Wire", ("ACME", "XYZ"))
    assert art.origin == f"{f}:1"
    errors = [(e.origin, e.error.split(" ")[0]) for e in got[1:]]
    assert errors == [(f"{f}:2", "invalid"), (f"{f}:3", "empty"), (f"{f}:5", "expected"), (f"{f}:6", "unrecognised")]
    assert all(isinstance(e, SourceError) for e in got[1:])


def test_field_mapping_for_csv_and_tsv(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text(f'headline,article_text,when\nFoo,"{BODY}, with a comma",2024-01-02\n', encoding="utf-8")
    assert isinstance(items(f)[0], SourceError)  # article_text is not a known name
    art = only(f, fields=parse_fields(["body=article_text", "published=when"]))
    assert (art.title, art.published, art.origin) == ("Foo", "2024-01-02", f"{f}:2")
    assert art.text.endswith("with a comma")
    t = tmp_path / "b.tsv"
    t.write_text(f"title\ttext\nBar\t{BODY}\n")
    assert only(t).title == "Bar"


def test_parse_fields_rejects_unknown_and_malformed():
    assert parse_fields(["text=story"]) == {"body": "story"}
    with pytest.raises(BadInput):
        parse_fields(["colour=red"])
    with pytest.raises(BadInput):
        parse_fields(["body"])


def test_json_list_and_wrapped_list(tmp_path):
    f = tmp_path / "a.json"
    f.write_text(json.dumps([{"body": BODY}, {"body": ""}]))
    got = items(f)
    assert isinstance(got[0], Article) and got[0].origin == f"{f}#1"
    assert isinstance(got[1], SourceError) and got[1].origin == f"{f}#2"
    f.write_text(json.dumps({"articles": [{"text": BODY, "title": "T"}]}))
    assert only(f).title == "T"
    f.write_text('{"body": ')
    assert isinstance(items(f)[0], SourceError)


def test_html_main_text_by_trafilatura(tmp_path):
    f = tmp_path / "a.html"
    f.write_text(
        "<html><head><title>Acme beats</title></head><body><nav>Home | Markets | Login</nav>"
        f"<article><h1>Acme beats</h1><p>{BODY}</p><p>The stock closed at $45.20 on Tuesday afternoon.</p>"
        "</article><footer>Copyright 2025</footer></body></html>")
    art = only(f)
    assert "Acme Corp shares rose 5%" in art.text and "$45.20" in art.text
    assert "Login" not in art.text and "Copyright" not in art.text
    assert art.title == "Acme beats"


RSS = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>Acme beats</title><link>https://x.test/1</link>
<pubDate>Mon, 31 Mar 2025 09:00:00 GMT</pubDate><description>&lt;p&gt;{BODY}&lt;/p&gt;</description></item>
<item><title>Empty</title><link>https://x.test/2</link></item></channel></rss>"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>W</title>
<entry><title>Acme</title><link href="https://x.test/a"/><updated>2025-03-31T10:00:00Z</updated>
<content type="html">&lt;p&gt;{BODY}&lt;/p&gt;</content></entry></feed>"""


def test_rss_and_atom_feeds(tmp_path):
    rss = tmp_path / "w.rss"
    rss.write_text(RSS)
    got = items(rss)
    art = got[0]
    assert (art.title, art.url, art.published, art.source, art.text) == (
        "Acme beats", "https://x.test/1", "2025-03-31T09:00:00+00:00", "Wire", BODY)
    assert isinstance(got[1], SourceError) and got[1].origin == f"{rss}#2"
    atom = tmp_path / "w.atom"
    atom.write_text(ATOM)
    assert only(atom).text == BODY
    bad = tmp_path / "x.xml"
    bad.write_text("<html><p>not a feed</p></html>")
    assert isinstance(items(bad)[0], SourceError)


def test_gzip_of_any_format_and_corrupt_gzip(tmp_path):
    f = tmp_path / "a.jsonl.gz"
    with gzip.open(f, "wt") as out:
        out.write(json.dumps({"body": BODY}) + "\n" + "oops\n")
    got = items(f)
    assert isinstance(got[0], Article) and got[1].origin == f"{f}:2"
    t = tmp_path / "b.txt.gz"
    t.write_bytes(gzip.compress(f"Title here\n\n{BODY}".encode()))
    assert only(t).title == "Title here"
    cut = tmp_path / "c.jsonl.gz"
    cut.write_bytes(gzip.compress((json.dumps({"body": BODY}) + "\n").encode() * 50)[:-30])
    assert any(isinstance(x, SourceError) and "gzip" in x.error for x in items(cut))
    junk = tmp_path / "d.csv.gz"
    junk.write_bytes(b"not gzip at all")
    assert isinstance(items(junk)[0], SourceError)


def test_binary_and_wrong_encoding_are_errors(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "latin.txt").write_bytes("Caf\u00e9 soci\u00e9t\u00e9 rose.".encode("latin-1"))
    (tmp_path / "latin.csv").write_bytes("title,body\nA,caf\u00e9\n".encode("latin-1"))
    got = items(tmp_path)
    assert [type(x) for x in got] == [SourceError] * 3
    assert {Path(x.origin.split(":")[0]).name for x in got} == {"bin.txt", "latin.txt", "latin.csv"}
    assert any("binary" in x.error for x in got) and any("UTF-8" in x.error for x in got)


def test_folders_recursive_sorted_and_filtered(tmp_path):
    (tmp_path / "b" / "c").mkdir(parents=True)
    (tmp_path / "b" / "c" / "z.txt").write_text(BODY)
    (tmp_path / "a.txt").write_text(BODY + " Again.")
    (tmp_path / ".hidden.txt").write_text(BODY)
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    got = items(tmp_path, tmp_path / "missing.txt", tmp_path / "image.png")
    assert [Path(x.origin).name for x in got] == ["a.txt", "z.txt", "missing.txt", "image.png"]
    assert [type(x) for x in got] == [Article, Article, SourceError, SourceError]


def test_stdin_jsonl():
    data = io.BytesIO((json.dumps({"body": BODY}) + "\nbad\n").encode())
    got = items("-", stdin=data)
    assert isinstance(got[0], Article) and got[0].origin == "<stdin>:1"
    assert isinstance(got[1], SourceError) and got[1].origin == "<stdin>:2"


def test_progress_bytes_reach_total(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text("".join(json.dumps({"body": f"{BODY} {i}"}) + "\n" for i in range(10)))
    (tmp_path / "b.txt").write_text(BODY)
    reader = SourceReader([tmp_path])
    assert len(list(reader)) == 11
    assert reader.done_bytes == reader.total_bytes == f.stat().st_size + len(BODY)


@pytest.mark.parametrize("value, expected", [
    ("2025-03-31", "2025-03-31"),
    ("2013-07-17T18:24:00-04:00", "2013-07-17T18:24:00-04:00"),
    ("2025-03-31T09:00:00Z", "2025-03-31T09:00:00+00:00"),
    ("March 31, 2025", "2025-03-31"),
    (1743411600, "2025-03-31T09:00:00+00:00"),
    (None, None),
])
def test_normalise_date(value, expected):
    assert normalise_date(value) == expected
