"""ast-parse-lock: a syntax tree is built only while no other thread builds one, and no collection runs mid-tree."""

from __future__ import annotations

import ast
import threading

from emulator import moto_extensions
from emulator.thread_safety import ast_parse


def test_a_tree_waits_while_another_thread_builds_one() -> None:
    moto_extensions.install()
    unescaped: list[str] = []
    with ast_parse.LOCK:  # as a request thread would hold it mid-parse
        # moto's ASL parser unescapes a definition's string literals this way.
        builder = threading.Thread(target=lambda: unescaped.append(ast.literal_eval('"a\\u00e9b"')))
        builder.start()
        builder.join(0.5)
        assert builder.is_alive()
    builder.join(5)
    assert unescaped == ["a\u00e9b"]


def test_the_same_thread_may_parse_again_inside_a_parse() -> None:
    moto_extensions.install()
    with ast_parse.LOCK:
        assert isinstance(ast.parse("x = 1"), ast.Module)


def test_no_collection_runs_a_finalizer_that_parses_mid_tree(collections_that_parse) -> None:
    moto_extensions.install()
    # A definition's worth of string literals, as moto's ASL parser unescapes them, and one larger tree.
    source = "\n".join(f"def step_{index}(event):\n    return {{'state': event['s{index}'], 'n': [1, (2, 3)]}}"
                       for index in range(200))
    with collections_that_parse():
        literals = [ast.literal_eval(f'"step {index}\\u00e9"') for index in range(500)]
        trees = [ast.parse(source) for _ in range(5)]
    assert literals == [f"step {index}\u00e9" for index in range(500)]
    assert all(len(tree.body) == 200 for tree in trees)
