from proplens.document import Annotation, Article, Span
from proplens.models.windows import special_tokens, token_range, tokenize
from proplens.training.examples import bio_tags, build_examples, technique_bits

OFFSETS = [(0, 3), (4, 9), (10, 12), (12, 13)]  # "The mayor li ." style: four tokens


def test_token_range_covers_every_overlapping_token() -> None:
    assert token_range(OFFSETS, 0, 3) == (0, 1)
    assert token_range(OFFSETS, 2, 5) == (0, 2)  # starts inside token 0, ends inside token 1
    assert token_range(OFFSETS, 4, 13) == (1, 4)
    assert token_range(OFFSETS, 3, 4) is None  # only the space between tokens


def test_bio_tags_merge_overlapping_spans() -> None:
    assert bio_tags(OFFSETS, [(0, 5), (4, 9), (12, 13)]) == [1, 2, 0, 1]
    assert bio_tags(OFFSETS, []) == [0, 0, 0, 0]


def test_technique_bits_mark_every_covering_technique() -> None:
    spans = [Span(0, 5, "Loaded_Language"), Span(4, 13, "Doubt"), Span(12, 13, "Not_A_Technique")]
    loaded, doubt = 1 << 8, 1 << 5  # PTC_TECHNIQUE_IDS order: Doubt is 5, Loaded_Language 8
    assert technique_bits(OFFSETS, spans) == [loaded, loaded | doubt, doubt, doubt]
    assert technique_bits(OFFSETS, []) == [0, 0, 0, 0]


def test_special_tokens_of_a_bert_style_tokenizer(tiny_tokenizer: object) -> None:
    assert special_tokens(tiny_tokenizer) == ([2], [3])


def test_examples_cover_the_article_and_assign_each_span_once(tiny_tokenizer: object) -> None:
    text = "the corrupt mayor lied again and again . vote them out ! the city council said on tuesday ."
    article = Article("7", text)
    gold = [
        Annotation("7", Span(text.index("corrupt"), text.index("corrupt") + 7, "Loaded_Language")),
        Annotation("7", Span(text.index("vote"), text.index("out !") + 5, "Slogans")),
        Annotation("7", Span(text.index("vote"), text.index("out !") + 5, "Appeal_to_fear-prejudice")),
    ]
    examples = build_examples(tiny_tokenizer, [article], gold, max_tokens=8, overlap=2)
    tokens = tokenize(tiny_tokenizer, text)  # type: ignore[arg-type]
    assert examples[0].window.token_start == 0 and examples[-1].window.token_end == len(tokens)
    spans = [(e, s) for e in examples for s in e.spans]
    assert sorted(s.technique for _, s in spans) == [1, 8, 11]  # each gold line exactly once
    for example, span in spans:
        assert 0 <= span.token_start < span.token_end <= len(example.ids)
        assert all(example.tags[i] != 0 for i in range(span.token_start, span.token_end))
    for example in examples:  # the technique bits travel with the window, one per token
        assert len(example.technique_bits) == len(example.ids)
        pairs = zip(example.technique_bits, example.tags, strict=True)
        assert all((bits != 0) == (tag != 0) for bits, tag in pairs)
    slogan = next((e, s) for e, s in spans if s.technique == 11)
    words = [
        tiny_tokenizer.id_to_token(i) for i in slogan[0].ids[slogan[1].token_start : slogan[1].token_end]
    ]  # type: ignore[attr-defined]
    assert words == ["vote", "them", "out", "!"]
