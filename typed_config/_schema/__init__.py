"""What a schema says: its types, derived and secret fields, search spaces, and text typed by field.

Owns: ``types`` (reading annotations), ``suggest`` (did-you-mean), ``derived`` (frozen and computed
fields), ``secrets`` (the one redaction rule), ``widening`` (ints a float field would change), ``space``
(search distributions on fields), ``text`` (text to values by the target field's type), ``ref``
(``module:Class`` schema references). May import: ``_yaml``, ``_keys`` and below.
"""
