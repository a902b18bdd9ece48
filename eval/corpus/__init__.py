"""The generated development corpus: forms drawn from their records, so their labels are
true by construction.

    python -m eval.corpus build      # write golden/corpus and golden/heldout*
    python -m eval.corpus check      # regenerate in memory and compare with the files

Modules: `content` (invented places, departments, projects and indicators), `values`
(printed figures and their labels), `layout` (documents as paragraphs, forms with
merged-cell tables, page breaks), `families` (the development template families),
`heldout`, `heldout2` … `heldout7` and `heldout8` (the held-out sets: do not develop
against the newest), `paginate` (one pagination for every rendering), `draw` (ruled tables in
PDF, shared with the test fixtures), `render` (text-layer PDF, MinerU-style Markdown, flat
OCR text, scans and image files) and `build` (the files and their golden JSON).
golden/README.md describes the corpus.
"""
