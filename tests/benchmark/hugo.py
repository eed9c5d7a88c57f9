"""Write the benchmark corpus as a Hugo project, and find and run Debian's Hugo to build it.

The Hugo project holds the same Markdown bodies as the Furusato corpus, with YAML front matter
(title, date, slug, summary, tags, and the prefecture as its category and its section), and
minimal templates (base, list, single, terms, taxonomy) that render comparable pages: a
paginated list of summaries per section, taxonomy and term, one page per document, and an RSS
feed for the home page and each section, as vanilla Pelican writes one per category.
Hugo keeps no cache between builds: its "rebuild after editing one article" is a full build
into the existing public/ folder.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import yaml
from corpus import Corpus, Doc

NOT_FOUND = "Hugo not found: install Debian's hugo package to compare; the Hugo column is skipped"

CONFIG = """\
# Vanilla Hugo for the Furusato benchmark: the corpus's bodies, minimal templates.
baseURL: "http://localhost/"
title: Vanilla Hugo
languageCode: en
timeZone: Asia/Tokyo
paginate: 20
disableKinds: [sitemap, robotsTXT, 404]
taxonomies:
  category: categories
  tag: tags
outputs:
  home: [HTML, RSS]
  section: [HTML, RSS]
  taxonomy: [HTML]
  term: [HTML]
"""

BASEOF = """\
<!DOCTYPE html>
<html lang="{{ .Site.LanguageCode }}">
<head>
<meta charset="utf-8">
<title>{{ .Title }} | {{ .Site.Title }}</title>
{{ range .AlternativeOutputFormats }}<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" \
href="{{ .Permalink }}">{{ end }}
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a>
<nav>{{ range .Site.Sections.ByTitle }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> \
{{ end }}</nav>
</header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"""

LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}
{{ range (.Paginate $pages).Pages }}
<article>
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
<p>{{ .Summary }}</p>
</article>
{{ end }}
{{ template "_internal/pagination.html" . }}
{{ end }}
"""

SINGLE = """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ with .Params.author }} by {{ . }}{{ end }}
{{ range .GetTerms "categories" }} in <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
</p>
{{ .Content }}
<p>{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
</article>
{{ end }}
"""

TERMS = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> \
({{ .Count }})</li>
{{ end }}
</ul>
{{ end }}
"""

LAYOUTS = {
    "baseof.html": BASEOF,
    "list.html": LIST,
    "taxonomy.html": LIST,
    "single.html": SINGLE,
    "terms.html": TERMS,
}


def front_matter(corpus_doc: Doc) -> dict:
    """Return the Hugo front matter of `corpus_doc` (an event is dated by its start)."""
    meta = corpus_doc.meta
    when = meta.get("date") or meta["start"]
    if isinstance(when, str):  # an event's "YYYY-MM-DD HH:MM", local to its time zone
        when = datetime.strptime(when, "%Y-%m-%d %H:%M")
    stamp = when.isoformat() if isinstance(when, datetime) else f"{when:%Y-%m-%d}"
    return {
        "title": meta["title"],
        "date": stamp,
        "slug": corpus_doc.slug,
        "author": corpus_doc.author_name,
        "summary": meta["summary"],
        "tags": list(meta["tags"]),
        "categories": [corpus_doc.prefecture],
    }


def write_hugo(corpus: Corpus, furusato_root: Path, dest: Path) -> None:
    """Write the corpus's Markdown bodies as a Hugo project in `dest` (replacing it)."""
    if dest.exists():
        shutil.rmtree(dest)
    content = dest / "content"
    for slug in corpus.counts:
        shutil.copytree(
            furusato_root / "content" / slug / "images", dest / "static" / slug / "images"
        )
        (content / slug).mkdir(parents=True)
        (content / slug / "_index.md").write_text(f"---\ntitle: {slug}\n---\n", "utf-8")
    for doc in corpus.docs:
        front = yaml.safe_dump(front_matter(doc), allow_unicode=True, sort_keys=False, width=1000)
        hugo_path(doc, dest).write_text(f"---\n{front}---\n{doc.body}", "utf-8")
    (dest / "config.yaml").write_text(CONFIG, "utf-8")
    layouts = dest / "layouts" / "_default"
    layouts.mkdir(parents=True)
    for name, text in LAYOUTS.items():
        (layouts / name).write_text(text, "utf-8")


def hugo_path(doc: Doc, hugo_root: Path) -> Path:
    """Return the Hugo source of `doc`."""
    return hugo_root / "content" / doc.prefecture / doc.filename


def hugo_page(doc: Doc, hugo_root: Path) -> Path:
    """Return the page Hugo writes for `doc` (section, then slug)."""
    return hugo_root / "public" / doc.prefecture / doc.slug / "index.html"


def find() -> str | None:
    """Return the hugo executable on PATH, or None."""
    return shutil.which("hugo")


def version(binary: str) -> str:
    """Return Hugo's version number (for example 0.111.3) as `hugo version` prints it."""
    out = subprocess.run([binary, "version"], capture_output=True, text=True, check=True).stdout
    found = re.search(r"v(\d+\.\d+\.\d+)", out)
    return found.group(1) if found else out.strip()


def command(binary: str) -> list[str]:
    """Return the command that builds the project in the current folder into public/."""
    return [binary, "--quiet", "--destination", "public"]
