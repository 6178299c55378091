"""The offline check finds every resource a page would load from another host."""

from analysis.build.offline import external_references, is_external, page_references


def test_is_external():
    assert is_external("https://cdn.plot.ly/plotly.js")
    assert is_external("//fonts.googleapis.com/css")
    assert not is_external("_static/plotly.min.js")
    assert not is_external("../_static/x.css")


def test_page_references_finds_loads_not_links():
    html = """<html><head>
    <script src="https://cdn.example.org/a.js"></script>
    <script src="_static/local.js"></script>
    <link rel="stylesheet" href="http://example.org/s.css">
    <style>@import "https://fonts.example.org/f.css"; .a{background:url(//img.example.org/b.png)}</style>
    </head><body>
    <a href="https://www.gov.uk">a link is fine</a>
    <img src="https://example.org/i.png" alt="x"><img src="_images/ok.png" alt="y">
    <div style="background-image: url('https://example.org/bg.png')"></div>
    <iframe src="https://example.org/embed"></iframe>
    </body></html>"""
    found = sorted(url for _, _, url in page_references(html))
    assert found == sorted(
        [
            "https://cdn.example.org/a.js",
            "http://example.org/s.css",
            "https://fonts.example.org/f.css",
            "//img.example.org/b.png",
            "https://example.org/i.png",
            "https://example.org/bg.png",
            "https://example.org/embed",
        ]
    )


def test_external_references_reads_pages_and_css(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "index.html").write_text('<script src="_static/x.js"></script>')
    (tmp_path / "sub" / "p.html").write_text('<script src="https://x.org/y.js"></script>')
    (tmp_path / "sub" / "s.css").write_text("a{}\nb{src:url(https://fonts.x.org/f.woff)}")
    problems = external_references(tmp_path)
    assert problems == ["sub/p.html:1 <script> https://x.org/y.js", "sub/s.css:2 url() https://fonts.x.org/f.woff"]
