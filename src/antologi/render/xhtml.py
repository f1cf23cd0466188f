"""The document tree -> XHTML markup, shared by the EPUB and the PDF renderer.

The two targets differ only in footnotes: the EPUB gets noterefs and asides (pop-up notes),
the PDF gets the note's text inline at the call, floated to the page foot by CSS
(WeasyPrint #2062: notes must sit where the call is, not in an endnote list).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .. import lang as langmod
from .. import model as m


def esc(text: str) -> str:
    return escape(text, quote=True)


def lang_attrs(tag: str) -> str:
    """Both attributes: WeasyPrint hyphenates only with HTML lang; XHTML readers want xml:lang."""
    return f' lang="{esc(tag)}" xml:lang="{esc(tag)}"'


def _is_lead(paragraph: m.Paragraph) -> bool:
    """A paragraph set wholly in bold (an interviewer's question, a lead-in): both outputs
    set it apart the same way, with space above and no indent."""
    content = [n for n in paragraph.children
               if not isinstance(n, m.FootnoteRef | m.SoftBreak)
               and not (isinstance(n, m.Text) and not n.text.strip())]
    return len(content) == 1 and isinstance(content[0], m.Strong)


@dataclass(frozen=True)
class Context:
    target: str  # 'epub' or 'pdf'
    lang: str  # the language of the enclosing element
    chapter: m.Chapter | None = None
    href_prefix: str = ""  # EPUB: file name of the chapter document for cross-file links


class XhtmlWriter:
    def __init__(self, target: str, images: dict[str, str] | None = None) -> None:
        self.target = target
        self.images = images or {}  # EPUB: src as written -> the file's name in the package
        self._notes_of: m.Chapter | None = None
        self._notes_by_id: dict[str, m.Footnote] = {}

    # --- blocks --------------------------------------------------------------------------

    def blocks(self, blocks: list[m.Block], ctx: Context) -> str:
        return "\n".join(self.block(b, ctx) for b in blocks)

    def block(self, node: m.Block, ctx: Context) -> str:
        if isinstance(node, m.Paragraph):
            ident = f' id="{esc(node.id)}"' if node.id else ""
            kind = ' class="lead"' if _is_lead(node) else ""
            return f"<p{ident}{kind}>{self.inlines(node.children, ctx)}</p>"
        if isinstance(node, m.Heading):
            # The text's title is its h1, so its sections start at h2 ('#' or '##').
            level = min(max(node.level, 2), 6)
            ident = f' id="{esc(node.id)}"' if node.id else ""
            return f"<h{level}{ident}>{self.inlines(node.children, ctx)}</h{level}>"
        if isinstance(node, m.BlockQuote):
            return f"<blockquote>\n{self.blocks(node.children, ctx)}\n</blockquote>"
        if isinstance(node, m.ListBlock):
            tag = "ol" if node.ordered else "ul"
            start = f' start="{node.start}"' if node.ordered and node.start != 1 else ""
            items = "\n".join(self.list_item(i, ctx, node.tight) for i in node.items)
            return f"<{tag}{start}>\n{items}\n</{tag}>"
        if isinstance(node, m.CodeBlock):
            return f"<pre><code>{esc(node.text)}</code></pre>"
        if isinstance(node, m.ThematicBreak):
            return '<hr class="section-break"/>'
        if isinstance(node, m.Div):
            if node.lang and node.lang != ctx.lang:
                inner = Context(ctx.target, node.lang, ctx.chapter, ctx.href_prefix)
                return f"<div{lang_attrs(node.lang)}>\n{self.blocks(node.children, inner)}\n</div>"
            return f"<div>\n{self.blocks(node.children, ctx)}\n</div>"
        if isinstance(node, m.ListItem):
            return self.list_item(node, ctx, True)
        raise TypeError(f"unknown block {type(node).__name__}")

    def list_item(self, item: m.ListItem, ctx: Context, tight: bool) -> str:
        if tight and all(isinstance(c, m.Paragraph) for c in item.children):
            body = "<br/>".join(self.inlines(c.children, ctx) for c in item.children
                                if isinstance(c, m.Paragraph))
            return f"<li>{body}</li>"
        return f"<li>{self.blocks(item.children, ctx)}</li>"

    # --- inlines -------------------------------------------------------------------------

    def inlines(self, nodes: list[m.Inline], ctx: Context) -> str:
        return "".join(self.inline(n, ctx) for n in nodes)

    def inline(self, node: m.Inline, ctx: Context) -> str:
        if isinstance(node, m.Text):
            return esc(node.text)
        if isinstance(node, m.SoftBreak):
            return "\n"
        if isinstance(node, m.HardBreak):
            return "<br/>"
        if isinstance(node, m.Code):
            return f"<code>{esc(node.text)}</code>"
        if isinstance(node, m.Emph):
            return f"<em>{self.inlines(node.children, ctx)}</em>"
        if isinstance(node, m.Strong):
            return f"<strong>{self.inlines(node.children, ctx)}</strong>"
        if isinstance(node, m.Link):
            title = f' title="{esc(node.title)}"' if node.title else ""
            ident = f' id="{esc(node.id)}"' if node.id else ""
            url = ' class="url"' if m.plain_text(node.children) == node.href else ""
            return (f'<a href="{esc(node.href)}"{ident}{title}{url}>'
                    f"{self.inlines(node.children, ctx)}</a>")
        if isinstance(node, m.Image):
            title = f' title="{esc(node.title)}"' if node.title else ""
            src = self.images.get(node.src, node.src)
            return f'<img src="{esc(src)}" alt="{esc(node.alt)}"{title}/>'
        if isinstance(node, m.Span):
            if node.lang and node.lang != ctx.lang:
                inner = Context(ctx.target, node.lang, ctx.chapter, ctx.href_prefix)
                return f"<span{lang_attrs(node.lang)}>{self.inlines(node.children, inner)}</span>"
            return self.inlines(node.children, ctx)
        if isinstance(node, m.FootnoteRef):
            return self.footnote_ref(node, ctx)
        raise TypeError(f"unknown inline {type(node).__name__}")

    # --- footnotes -----------------------------------------------------------------------

    def footnote_ref(self, ref: m.FootnoteRef, ctx: Context) -> str:
        note = self._notes(ctx.chapter).get(ref.note_id)
        if note is None:  # reported by the parser (F001); nothing to link to
            return esc(f"[^{ref.label}]")
        if self.target == "pdf":
            return self._pdf_call(ref, note, ctx)
        label = langmod.label(ctx.lang, "note_n", n=str(ref.number))
        return (f'<a class="noteref" epub:type="noteref" role="doc-noteref" id="{esc(ref.ref_id)}"'
                f' href="#{esc(note.id)}" title="{esc(label)}">{ref.number}</a>')

    def _notes(self, chapter: m.Chapter | None) -> dict[str, m.Footnote]:
        """The chapter's notes by id, made once per chapter (a text may have thousands)."""
        if chapter is None:
            return {}
        if self._notes_of is not chapter:
            self._notes_of = chapter
            self._notes_by_id = {n.id: n for n in chapter.footnotes}
        return self._notes_by_id

    def _pdf_call(self, ref: m.FootnoteRef, note: m.Footnote, ctx: Context) -> str:
        """The whole note sits at its first call and CSS floats it to the foot of the page;
        the number is ours (data-n), so the PDF numbers notes exactly as the EPUB does."""
        number = str(ref.number)
        if note.endnote:
            return (f'<a class="endnote-ref" id="{esc(ref.ref_id)}" href="#{esc(note.id)}">'
                    f"{number}</a>")
        if ref.ref_id != note.ref_id:  # a second call of the same note: the number only
            return f'<span class="note-call">{number}</span>'
        paragraphs = [self.inlines(b.children, ctx) if isinstance(b, m.Paragraph)
                      else self.block(b, ctx) for b in note.children]
        body = '<br class="fn-par"/>'.join(paragraphs)
        return (f'<span class="footnote" id="{esc(note.id)}" data-n="{number}">'
                f"{body}</span>")

    def endnotes_section(self, chapter: m.Chapter, ctx: Context) -> str:
        """PDF: the notes too tall for the page of their call, at the end of the text."""
        notes = [n for n in chapter.footnotes if n.endnote]
        if not notes:
            return ""
        out = [f'<section class="endnotes"><h2>{esc(langmod.label(ctx.lang, "notes"))}</h2>']
        for note in notes:
            body = self.blocks(note.children, ctx)
            mark = f'<a class="endnote-mark" href="#{esc(note.ref_id)}">{note.number}.</a> '
            body = body.replace("<p>", f'<p id="{esc(note.id)}">{mark}', 1) \
                if body.startswith("<p>") else f'<p id="{esc(note.id)}">{mark}</p>{body}'
            out.append(body)
        out.append("</section>")
        return "\n".join(out)

    def footnotes_section(self, chapter: m.Chapter, ctx: Context) -> str:
        """EPUB: the chapter's notes as asides after the text, each linking back to its call."""
        if not chapter.footnotes:
            return ""
        back = langmod.label(ctx.lang, "back_to_text")
        heading = langmod.label(ctx.lang, "notes")
        out = [f'<section class="footnotes" aria-label="{esc(heading)}">']
        for note in chapter.footnotes:
            if not note.number:
                continue
            body = self.blocks(note.children, ctx)
            backlink = (f'<a class="backlink" href="#{esc(note.ref_id)}" role="doc-backlink" '
                        f'title="{esc(back)}">{note.number}</a> ')
            body = body.replace("<p>", "<p>" + backlink, 1) if body.startswith("<p>") \
                else f"<p>{backlink}</p>{body}"
            out.append(f'<aside class="footnote" epub:type="footnote" role="doc-footnote" '
                       f'id="{esc(note.id)}">\n{body}\n</aside>')
        out.append("</section>")
        return "\n".join(out)
