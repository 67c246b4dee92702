"""Privacy checks of what a post would publish (docs/privacy.md): `text` finds licence plates,
phone numbers, e-mail addresses and street + house number in its words; `faces` finds faces in
photos (the optional detector)."""
