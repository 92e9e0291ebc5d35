#!/usr/bin/env python3
"""Sanity checks for the hand-annotated entity gold (and the deliberation-record gold).

Checks, for every tests/gold/entities/*.json file:
  * passage_text[start:end] == entity["text"] for every entity;
  * required fields and allowed values per entity type;
  * ORG/PERSON/PLACE (names, annotated by hand): text only, no surrounding blanks or punctuation;
  * no two entities of the same type overlap;
and for every tests/gold/deliberations/*.json file, the record schema.
Prints entity counts per type, per document and in total.  Exit status 1 on any error.

Usage: python tests/gold/entities/check_gold.py
"""

import collections
import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
DELIB_DIR = HERE.parent / "deliberations"

UNITS = {"EUR", "%", "count", "m2", "ha", "m3", "km", "t", "kg", "h", "other"}
KINDS = {"rapport_activite", "proces_verbal", "liste_deliberations", "rpqs"}
BODIES = {"conseil", "bureau", "president", "maire", None}
REC_BODIES = {"conseil municipal", "conseil communautaire", "maire", "president", "bureau"}
ISO = {"year": re.compile(r"^\d{4}$"), "month": re.compile(r"^\d{4}-\d{2}$"), "day": re.compile(r"^\d{4}-\d{2}-\d{2}$")}
DATE_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def check_entity(where, text, e):
    for k in ("type", "text", "start", "end"):
        if k not in e:
            err(where, f"missing {k}")
            return
    if text[e["start"] : e["end"]] != e["text"]:
        err(where, f"offset mismatch: {text[e['start'] : e['end']]!r} != {e['text']!r}")
    t = e["type"]
    if t == "AMOUNT":
        if not isinstance(e.get("value"), float):
            err(where, "value must be a float")
        if e.get("unit") not in UNITS:
            err(where, f"bad unit {e.get('unit')!r}")
        if e.get("currency") not in ("EUR", None):
            err(where, "bad currency")
        if e.get("unit") == "EUR" and e.get("currency") != "EUR":
            err(where, "unit EUR needs currency EUR")
        if e.get("tax") not in ("HT", "TTC", None):
            err(where, "bad tax")
        if (e.get("unit") == "count") != (e.get("quantity_of") is not None):
            err(where, "quantity_of must be set for counts only")
    elif t == "DATE":
        prec = e.get("precision")
        if prec not in ISO or not ISO[prec].match(e.get("iso") or ""):
            err(where, f"bad iso/precision {e.get('iso')!r}/{prec!r}")
        if not isinstance(e.get("implied_year"), bool):
            err(where, "implied_year must be a bool")
        s, en = e.get("start_iso"), e.get("end_iso")
        if (s is None) != (en is None):
            err(where, "start_iso/end_iso must both be set (range) or both null")
        if s is not None and (s != e["iso"] or len(en) != len(s) or en < s):
            err(where, "range: start_iso must equal iso and end_iso must be >= start_iso")
    elif t == "DIRECTION":
        if not e.get("canonical"):
            err(where, "missing canonical")
        if "acronym" not in e:
            err(where, "missing acronym key")
    elif t == "DELIBERATION":
        if not e.get("ref") or " " in e["ref"]:
            err(where, f"bad ref {e.get('ref')!r}")
        if e.get("date") is not None and not ISO["day"].match(e["date"]):
            err(where, "bad date")
        if e.get("body") not in BODIES:
            err(where, "bad body")
    elif t in ("ORG", "PERSON", "PLACE"):
        if e["text"] != e["text"].strip(" \n.,;:()«»\"'’") or not e["text"]:
            err(where, f"untrimmed name {e['text']!r}")
    else:
        err(where, f"unknown type {t!r}")


def check_entities():
    total = collections.Counter()
    files = sorted(HERE.glob("*.json"))
    if not files:
        err(str(HERE), "no gold files")
    for f in files:
        doc = json.loads(f.read_text(encoding="utf-8"))
        for k in ("source", "kind", "year", "passages"):
            if k not in doc:
                err(f.name, f"missing {k}")
        if doc.get("kind") not in KINDS:
            err(f.name, f"bad kind {doc.get('kind')!r}")
        per_doc = collections.Counter()
        print(f"{f.name}  [{doc.get('kind')}, {doc.get('year')}]")
        for i, p in enumerate(doc.get("passages", [])):
            text = p["text"]
            if "\r" in text:
                err(f"{f.name}#{i}", "passage text contains \\r")
            ents = p["entities"]
            pc = collections.Counter(e["type"] for e in ents)
            for j, e in enumerate(ents):
                check_entity(f"{f.name}#{i}.{j}", text, e)
            by_type = collections.defaultdict(list)
            for e in ents:
                by_type[e["type"]].append((e["start"], e["end"], e["text"]))
            for t, spans in by_type.items():
                spans.sort()
                for a, b in zip(spans, spans[1:]):
                    if b[0] < a[1]:
                        err(f"{f.name}#{i}", f"overlapping {t}: {a[2]!r} / {b[2]!r}")
            per_doc.update(pc)
            print(
                f"  passage {i}: page {p['page']:>3}, {len(text.split()):>3} words, "
                f"{len(ents):>3} entities {dict(sorted(pc.items()))}"
            )
        print(f"  => {sum(per_doc.values())} entities {dict(sorted(per_doc.items()))}")
        total.update(per_doc)
    print(
        f"TOTAL: {sum(total.values())} entities {dict(sorted(total.items()))}, "
        f"{sum(len(json.loads(f.read_text(encoding='utf-8'))['passages']) for f in files)} passages, "
        f"{len(files)} documents"
    )


def check_deliberations():
    if not DELIB_DIR.is_dir():
        return
    for f in sorted(DELIB_DIR.glob("*.json")):
        doc = json.loads(f.read_text(encoding="utf-8"))
        recs = doc.get("records", [])
        for i, r in enumerate(recs):
            w = f"{f.name}#{i}"
            if r.get("ref") is not None and " " in r["ref"]:
                err(w, "ref must not contain spaces")
            if r.get("body") not in REC_BODIES:
                err(w, f"bad body {r.get('body')!r}")
            if not ISO["day"].match(r.get("date") or ""):
                err(w, "bad date")
            if not r.get("title"):
                err(w, "missing title")
            for a in r.get("amounts", []):
                if (
                    not isinstance(a.get("value"), float)
                    or a.get("tax") not in ("HT", "TTC", None)
                    or not str(a.get("unit", "")).startswith("EUR")
                ):
                    err(w, f"bad amount {a}")
            v = r.get("vote")
            if v is not None:
                for k in ("pour", "contre", "abstention"):
                    if v.get(k) is not None and not isinstance(v[k], int):
                        err(w, f"vote.{k} must be int or null")
                if not isinstance(v.get("unanimite"), bool):
                    err(w, "vote.unanimite must be bool")
            if not (
                isinstance(r.get("page_start"), int)
                and isinstance(r.get("page_end"), int)
                and r["page_start"] <= r["page_end"]
            ):
                err(w, "bad page_start/page_end")
        print(f"{f.name}: {len(recs)} records")


if __name__ == "__main__":
    check_entities()
    check_deliberations()
    if errors:
        print(f"\n{len(errors)} ERROR(S):")
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print("\nOK")
