"""A frozen copy of the language layer's matcher as it was before the indexed rewrite.

The slow, obviously-correct path: every term rescans the tokens. ``tests/test_matcher_equivalence``
reads every evaluation text with both this and ``spasmnav.language`` and requires the same
findings, qualifiers and quantities. Do not edit, except to follow an API change of the
modules it imports. ``morph`` (tokenisation), ``normalise`` and ``context`` (negation) are
frozen copies too, taken before the reading was sped up (only pymorphy3's cached analyses and
the token type are the live ones).
"""
