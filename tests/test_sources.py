"""Every prior and every document the docs cite can be followed inside the repository."""

import re

from conftest import ROOT

from sim.scenario.reference import parameter_table

DOCS = ROOT / "docs"
OUTSIDE = re.compile(r"MECHANISMS|EPISODES|shared/seeds")


def _anchors(path):
    """The anchors a Markdown file offers: explicit ids and GitHub's heading slugs."""
    text = path.read_text()
    ids = set(re.findall(r'<a id="([^"]+)"></a>', text))
    for heading in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        ids.add(slug)
    return ids


def test_every_prior_citation_resolves():
    mechanisms = _anchors(DOCS / "mechanisms.md")
    episodes = _anchors(DOCS / "episodes.md")
    sources = _anchors(DOCS / "sources.md")
    missing = []
    for row in parameter_table():
        prior = row["prior"] or ""
        assert not OUTSIDE.search(prior), f"{row['path']} cites a document outside the repo"
        for section in re.findall(r"mechanisms\.md §(\d+(?:\.\d+)?)", prior):
            if "s" + section.replace(".", "-") not in mechanisms:
                missing.append((row["path"], f"mechanisms.md §{section}"))
        for target in re.findall(r"\bT(\d+)", prior):
            if f"t{target}" not in episodes:
                missing.append((row["path"], f"T{target}"))
        for seed in re.findall(r"S00(\d)", prior):
            if f"s00{seed}" not in sources:
                missing.append((row["path"], f"S00{seed}"))
    assert not missing, missing
    cited = {row["path"] for row in parameter_table() if "mechanisms.md §" in (row["prior"] or "")}
    assert len(cited) > 50  # the reference specification backs most priors


def test_docs_cite_no_document_outside_the_repository():
    files = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    offenders = [
        f"{path.name}:{n}"
        for path in files
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not offenders, offenders


def test_links_between_docs_reach_their_anchors():
    broken = []
    for path in sorted(DOCS.glob("*.md")):
        for target, anchor in re.findall(r"\]\(([\w\-]+\.md)?#([\w\-]+)\)", path.read_text()):
            linked = DOCS / target if target else path
            if not linked.exists() or anchor not in _anchors(linked):
                broken.append(f"{path.name} -> {target or path.name}#{anchor}")
    assert not broken, broken
