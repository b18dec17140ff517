"""The spaCy side of newsig: text -> annotated ``Doc`` (our components) -> records.

- :mod:`.pipeline` builds the ``Language`` once (``en_core_web_sm`` plus the ``newsig_*``
  components in :mod:`.components`) and runs it over articles in batches.
- :mod:`.extract` turns an annotated ``Doc`` into an :class:`analyzer.records.ArticleResult`
  (roles, relevance, entity sentiment).

Public: :func:`build_nlp`, :func:`analyze`, :func:`analyze_articles`, :func:`prepare`,
:func:`doc_context`, :data:`COMPONENTS`.
"""

from analyzer.nlp.pipeline import COMPONENTS, analyze, analyze_articles, build_nlp, doc_context, prepare

__all__ = ["COMPONENTS", "analyze", "analyze_articles", "build_nlp", "doc_context", "prepare"]
