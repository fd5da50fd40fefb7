"""Prints SQL that builds a small SQLite database (two tables and an index) from
iso-codes' ISO 639-3 and ISO 3166-2 JSON files, for corpora/mixed.
Usage: iso-codes-sql.py iso_639-3.json iso_3166-2.json | sqlite3 DB"""
import json, sys

def quote(value):
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"

languages = json.load(open(sys.argv[1], encoding="utf-8"))["639-3"]
subdivisions = json.load(open(sys.argv[2], encoding="utf-8"))["3166-2"]
print("PRAGMA page_size=4096;")
print("BEGIN;")
print("CREATE TABLE language (alpha_3 TEXT PRIMARY KEY, alpha_2 TEXT, name TEXT NOT NULL, "
      "inverted_name TEXT, scope TEXT, type TEXT);")
for entry in languages:
    print("INSERT INTO language VALUES (%s);" % ", ".join(quote(entry.get(k)) for k in
          ("alpha_3", "alpha_2", "name", "inverted_name", "scope", "type")))
print("CREATE TABLE subdivision (code TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT, parent TEXT);")
for entry in subdivisions:
    print("INSERT INTO subdivision VALUES (%s);" % ", ".join(quote(entry.get(k)) for k in
          ("code", "name", "type", "parent")))
print("CREATE INDEX subdivision_type ON subdivision (type);")
print("COMMIT;")
print("VACUUM;")
