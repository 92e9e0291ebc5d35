"""The hand-chosen ORG/PERSON/PLACE gold of tests/gold/entities/*.json (rerun to rewrite them).

Guidelines: PERSON is the name without civility ("Florence DEMOUY", "Tanguy"), never a bare title
("Madame le Maire"). ORG is an organization with a proper name or its acronym (SMDO, CCLO, ESPOSITO,
"Syndicat Mixte du Département de l'Oise"); generic bodies ("le Conseil Municipal", "la Métropole",
"la Région"), the issuer's internal units (DIRECTION), funds and programmes (FEDER, LEADER) are not.
"Commune/Ville/Mairie/Région/Conseil de Territoire de X" is the PLACE X. PLACE: communes, territories,
rivers, sites, streets (whole: "rue de l’Armistice").
Each entry: (type, surface) -> every occurrence in the passage (not inside a letter run),
longest first, never overlapping another new name or an existing gold span."""
import json, re, sys, pathlib
G = pathlib.Path(__file__).resolve().parent
P, O, L = "PERSON", "ORG", "PLACE"
A = {
"2025.09.25-Compte-rendu-du-CC-du-25-septembre-2025-approuve": {
 0: [(P,"Anne-Marie DEFRANCE"),(O,"Atelier Musical de l’Oise"),(O,"CCLO")],
 1: [(P,"Sylvain GOUPIL"),(P,"FAVROLE")],
 2: [(P,"Eric BEGUIN"),(O,"ESPOSITO"),(L,"Moranval"),(L,"CUISE-LA-MOTTE"),(L,"Cuise-la-Motte"),(O,"CCLO"),
     (O,"Communauté de Communes des Lisières de l’Oise")],
 3: [(P,"Eric BEGUIN"),(P,"BEGUIN"),(O,"banque \ndes territoires")],
 4: [(O,"LES COPAINS D'ABORD"),(O,"ATELIER-MUSEE DES BROSSERIES DE L'OISE"),(O,"Les Copains d'abord"),
     (O,"Association Atelier-Musée des Brosseries de l'Oise"),(P,"FRERE"),(O,"Les Copains d’abord"),
     (L,"Lisières de l’Oise"),(P,"SUPERBI"),(O,"musée de la Brosserie de l’Oise"),(L,"Tracy-Le-Mont"),
     (P,"LOUBES"),(O,"AMBO"),(P,"GUILLAUME"),(P,"GOURDON"),(P,"Jean-Claude CORMONT"),(P,"CORMONT"),(O,"CCLO")],
 5: [(L,"Attichy"),(P,"CORMONT"),(P,"SUPERBI")],
 6: [(P,"SUPERBI"),(O,"CITEO"),(O,"CCLO"),(P,"FAVROLE"),(L,"Attichy"),(P,"LOUBES"),(L,"Hauts-de-France")],
},
"20250306-PV": {
 0: [(L,"Pierrefonds"),(L,"PIERREFONDS"),(P,"Florence DEMOUY"),(P,"Emmanuelle LEMAITRE"),(P,"Jean-Jacques \nCARRETERO"),
     (P,"Romain RIBEIRO"),(P,"Catherine GEVAERT"),(P,"Gérard \nLANNIER"),(P,"Joachim LÜDER"),(P,"Hélène DEFOSSEZ"),
     (P,"Karine DUTEIL"),(P,"Stéphane DUTILLOY"),(P,"Laëtitia PIERRON"),(P,"Virginie ANTHONY"),
     (P,"Jean-Claude \nTHUILLIER"),(P,"Jean-Claude THUILLIER"),(P,"Michel LEBLANC"),(P,"Ronan TANGUY"),
     (P,"Philippe TOLEDANO"),(P,"Marie-Alice DEBUISSER"),(P,"Gilles PAPIN"),(P,"Elsa CARRIER"),(P,"DUTEIL"),
     (L,"Place de l’Hôtel de Ville"),(O,"SMOA")],
 1: [(O,"ONF"),(L,"Compiègne"),(O,"ADICO"),(P,"Tanguy"),(P,"Anthony")],
 2: [(L,"Pays Compiégnois"),(P,"Leblanc"),(P,"Thuiller"),(P,"Debuisser"),(P,"Papin"),(P,"Tanguy"),(P,"Dutilloy"),
     (P,"RIBEIRO")],
 3: [(P,"Leblanc"),(P,"Thuiller"),(P,"Debuisser"),(P,"Papin"),(P,"Tanguy")],
 4: [(O,"SMOA"),(L,"Matz"),(L,"Divette"),(L,"Laigue"),(O,"CCPS"),(O,"CC2V"),(O,"SMVM"),(O,"SIAED"),(O,"CCLO"),
     (L,"Saint-Crépin\ufffeaux-Bois"),(L,"Rethondes"),(L,"Tracy-le-Mont")],
},
"compte-rendu-17-11-2015": {
 0: [(P,"TANGUY")],
 1: [(O,"INSEE")],
 2: [(O,"SE60"),(O,"SE 60"),(O,"SEZEO"),(O,"Force Energies"),(O,"Force \nEnergies"),(L,"Oise"),(L,"Pierrefonds"),
     (O,"ERDF"),(O,"SICAE"),(O,"SER")],
 3: [(O,"A.R.S"),(L,"Oise"),(O,"SEAO"),(L,"Retheuil")],
},
"REPERTOIRE-CHRONOLOGIQUE-2024-POUR-AFFICHAGE": {
 0: [(L,"Rue de l’Armistice"),(L,"rue de l’Armistice"),(O,"SMOA"),(L,"ru de Valois"),(L,"rue du Bois \nd’Haucourt"),
     (L,"rue du Bois d’Haucourt"),(O,"Syndicat Mixte Intercommunal de l’Oise des Classes \nd’Environnement"),
     (O,"SMIOCE"),(O,"LESENS"),(L,"rue Viollet le \nDuc"),(O,"SE60")],
 1: [(P,"BEGUIN"),(O,"SE60"),(L,"rue de l’armistice"),(O,"SIVOC"),(L,"Montmartin")],
},
"4.-Annexe-DEL2024-48-RPQS-OM-2023": {
 0: [(O,"Syndicat Intercommunal à Vocations Multiples"),(O,"SIVOM"),(L,"Attichy"),
     (O,"District du Canton d’Attichy"),(O,"Communauté de Communes du Canton d’Attichy"),(O,"Lisières de l’Oise"),
     (O,"CCLO"),(O,"Syndicat de la Vallée de l'Oise"),(O,"SMVO"),(O,"SMDO"),(O,"Syndicat Mixte du département de l'Oise"),
     (O,"Syndicat Mixte du Département de l'Oise"),(O,"Syndicat Mixte Oise Verte Environnement"),(O,"SYMOVE")],
 1: [(O,"Syndicat Mixte du Département de l'Oise"),(O,"SMVO"),(L,"Attichy"),(O,"CCLO"),(O,"SMDO")],
 2: [(O,"CCLO")],
 4: [(O,"CCLO"),(O,"Lisières de l’Oise")],
},
"7.-Annexe-DEL2024-53-CCLO_Rapport-annuel-SPANC-2023": {
 0: [(O,"CCLO")],
 1: [(O,"SAUR"),(O,"CCLO")],
},
"rapport-activite-2017": {
 0: [(O,"Métropole Aix-\n\nMarseille-Provence")],
 1: [(L,"Marseille"),(O,"Provence Promotion"),(O,"Chambre de Commerce et d'Industrie Marseille \n\nProvence"),
     (O,"CCIMP"),(O,"Communauté Economique et Financière \n\nMéditerranéenne"),(O,"CEFIM"),(O,"Pôle Emploi"),
     (O,"Agence France Entrepreneur"),(O,"AFE"),(O,"Carburateur"),(L,"Marseille Provence")],
 2: [(L,"Pays d'Aubagne et de l'Etoile"),(L,"Istres Ouest Provence"),(L,"Miramas"),(L,"Istres-Ouest Provence"),
     (O,"Commission Européenne"),(L,"Pays de Martigues"),(L,"Vallon du Fou"),(O,"Métropole Aix Marseille Provence"),
     (L,"Bouches-du-Rhône"),(O,"Métropole Aix \n\nMarseille Provence"),(L,"Pays d'Arles")],
 3: [(O,"France Active PACA"),(O,"WIMOOV")],
 5: [(L,"Aubagne"),(L,"Martigues"),(L,"Marseille Provence")],
 6: [(L,"Parking d’Estienne d’Orves"),(L,"Marseille"),(L,"Vieux-Port"),(L,"Pointe-Rouge"),(L,"La Ciotat"),
     (L,"Aréna du Pays d’Aix")],
 7: [(O,"Métropole Aix Marseille Provence")],
 8: [(L,"Pharo")],
},
}
total = 0
for stem, passages in A.items():
    f = G / f"{stem}.json"
    doc = json.loads(f.read_text(encoding="utf-8"))
    for i, anns in passages.items():
        p = doc["passages"][i]
        text = p["text"]
        p["entities"] = [e for e in p["entities"] if e["type"] not in (O, P, L)]  # idempotent
        taken = [(e["start"], e["end"]) for e in p["entities"]]
        new = []
        for kind, s in sorted(anns, key=lambda a: -len(a[1])):
            hits = [m for m in re.finditer(r"(?<![^\W_])" + re.escape(s) + r"(?![^\W\d_])", text)]
            if not hits:
                print("NOT FOUND", stem, i, repr(s)); continue
            for m in hits:
                a, b = m.span()
                clash = [t for t in taken if t[0] < b and a < t[1]]
                if clash:
                    print("skip overlap", stem, i, repr(s), repr(text[clash[0][0]:clash[0][1]])); continue
                taken.append((a, b))
                new.append({"type": kind, "text": s, "start": a, "end": b})
        p["entities"] = p["entities"] + sorted(new, key=lambda e: e["start"])
        total += len(new)
    f.write_text(json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
print("added", total)
