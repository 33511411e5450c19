#!/usr/bin/env python3
"""Writes the fixture dump and its word-piece vocabulary for luke/corpus tests.

    cd luke/corpus/testdata && python3 gen_fixture.py

Outputs (deterministic, stdlib only):
  dawiki-fixture-pages-articles.xml.bz2  a small dump in the MediaWiki export
      schema 0.10 with Danish articles written for nerbench, redirects, a
      category page, a file page, a template page and a project page.
  vocab.txt  a small Danish-BERT-style WordPiece vocabulary made from the
      fixture's words (a few long words only as stem + "##" suffix, so that
      word pieces occur), special tokens first.
"""
import bz2
import re
import unicodedata
from xml.sax.saxutils import escape

PAGES = [
    # (title, ns, redirect target or None, wikitext)
    ("Danmark", 0, None, """{{Infoboks land
| navn = Danmark
| hovedstad = [[København]]
| indbyggere = {{formatnum:5800000}}
}}
'''Danmark''' er et land i [[Norden]] og en del af [[Europa]]. Landets hovedstad er [[København]], som ligger på [[Sjælland]].<ref name="dst">{{Kilde www|url=https://www.dst.dk|titel=Danmarks Statistik}}</ref> Danmark består af halvøen [[Jylland]] og mange øer.

== Historie ==
Danmark er et af de ældste kongeriger i [[Europa]]. [[Dronning Margrethe 2.|Dronning Margrethe]] var regent i mere end halvtreds år. Jylland og Sjælland er forbundet af broer.
[[Fil:Flag of Denmark.svg|thumb|200px|Danmarks flag, [[Dannebrog]]]]
{| class="wikitable"
! Landsdel !! Indbyggere
|-
| [[Jylland]] || 2.600.000
|-
| [[Sjælland]] || 2.300.000
|}
Danmark har en lang kyst mod [[Østersøen]] og [[Nordsøen]]. Sjælland er Danmarks største ø.

[[Kategori:Danmark]]
[[Kategori:Lande i Europa]]"""),
    ("København", 0, None, """'''København''' (''Kbh.'') er hovedstad i [[Danmark]] og ligger på [[Sjælland]] ved [[Øresund]]. Byen har omkring en million indbyggere.<ref>Tal fra 2021.</ref>

København blev grundlagt som en handelsby. På [[Slotsholmen]] ligger [[Christiansborg]], hvor [[Folketinget]] holder til. Københavns havn var vigtig for handlen over Øresund.

Mange turister besøger [[Tivoli]] og [[Den Lille Havfrue]]. Christiansborg og Tivoli ligger tæt på hinanden.
[[Kategori:Byer i Danmark]]"""),
    ("Jylland", 0, None, """'''Jylland''' er en halvø i det vestlige [[Danmark]]. Den grænser mod syd op til [[Tyskland]]. Jylland har vestkyst mod [[Nordsøen]] og østkyst mod [[Kattegat]].

Den største by i Jylland er [[Aarhus]]. Aarhus har et universitet og en stor havn. Nordsøen giver Jylland en barsk vestkyst.
[[Kategori:Danmarks geografi]]"""),
    ("Sjælland", 0, None, """'''Sjælland''' er Danmarks største ø. På Sjælland ligger hovedstaden [[København]] og byen [[Roskilde]]. Øen er adskilt fra [[Sverige]] af [[Øresund]].

Roskilde er kendt for sin domkirke, hvor mange danske konger er begravet. København og Roskilde er forbundet af jernbanen.
[[Kategori:Danske øer]]"""),
    ("Øresund", 0, None, """'''Øresund''' er et stræde mellem [[Sjælland]] og [[Skåne]] i [[Sverige]]. Over Øresund går [[Øresundsbroen]], som forbinder [[København]] med [[Malmø]].

Øresundsbroen blev åbnet i år 2000. Mange pendler hver dag over Øresund mellem Malmø og København."""),
    ("H.C. Andersen", 0, None, """'''Hans Christian Andersen''' (født 2. april 1805 i [[Odense]], død 4. august 1875 i [[København]]) var en dansk forfatter. Han er kendt for sine [[eventyr]], blandt andet ''[[Den grimme ælling]]'' og ''[[Den lille havfrue (eventyr)|Den lille havfrue]]''.

Den lille havfrue er et af hans mest kendte eventyr. Andersen rejste meget i [[Europa]]. Hans eventyr er oversat til mere end hundrede sprog. Odense har et museum for H.C. Andersen.
{{Autoritetsdata}}
[[Kategori:Forfattere fra Danmark]]"""),
    ("Odense", 0, None, """'''Odense''' er den største by på [[Fyn]] og Danmarks tredjestørste by. Byen er kendt som fødeby for [[H.C. Andersen]].

Odense Å løber gennem byen. Fyn ligger mellem Jylland og Sjælland, og [[Storebæltsbroen]] forbinder Fyn med [[Sjælland]].
[[Kategori:Byer i Danmark]]"""),
    ("Niels Bohr", 0, None, """'''Niels Henrik David Bohr''' (1885–1962) var en dansk [[fysiker]] fra [[København]]. Han fik [[Nobelprisen i fysik]] i 1922 for sit arbejde med atomets opbygning.<ref name="nobel" />

Bohr grundlagde [[Niels Bohr Institutet]] ved [[Københavns Universitet]]. Mange fysikere fra hele [[Europa]] kom til København for at arbejde med ham. Nobelprisen i fysik gjorde ham verdenskendt.
[[Kategori:Fysikere fra Danmark]]"""),
    ("Europa", 0, None, """'''Europa''' er en verdensdel på den nordlige halvkugle. Europa grænser mod øst op til [[Asien]]. I Europa ligger blandt andet [[Danmark]], [[Sverige]] og [[Tyskland]].

Den [[Europæiske Union]] er et samarbejde mellem mange lande i Europa. Danmark blev medlem i 1973."""),
    ("Sverige", 0, None, """'''Sverige''' er et land i [[Norden]]. Hovedstaden er [[Stockholm]]. Sverige grænser op til [[Norge]] og [[Finland]], og over [[Øresund]] ligger [[Danmark]].

Stockholm ligger ved Østersøen. Sverige og Danmark har en fælles historie, og Skåne var dansk indtil 1658."""),
    ("Christiansborg", 0, None, """'''Christiansborg''' er et slot på [[Slotsholmen]] i [[København]]. Her har [[Folketinget]], [[Statsministeriet]] og [[Højesteret]] til huse.

Det nuværende Christiansborg er det tredje slot på stedet. Folketinget mødes i salen på Christiansborg."""),
    ("Tivoli", 0, None, """'''Tivoli''' er en forlystelsespark i [[København]], åbnet i 1843. Tivoli ligger tæt på [[Københavns Hovedbanegård]] og [[Rådhuspladsen]].

Tivoli har en gammel rutsjebane fra 1914. H.C. Andersen besøgte Tivoli flere gange."""),
    ("Aarhus", 0, None, """'''Aarhus''' er Danmarks næststørste by og ligger i [[Jylland]] ved [[Kattegat]]. [[Aarhus Universitet]] blev grundlagt i 1928.

Aarhus har en stor havn og en gammel domkirke. Mange studerende bor i Aarhus."""),
    ("Fysiker", 0, None, """En '''fysiker''' er en forsker i [[fysik]]. Kendte danske fysikere er [[Niels Bohr]] og [[H.C. Ørsted]].

Fysik handler om stof, energi og de kræfter, der virker i naturen. H.C. Ørsted opdagede elektromagnetismen i 1820."""),
    ("Kattegat", 0, None, """'''Kattegat''' er et havområde mellem [[Jylland]] og [[Sverige]]. Kattegat forbinder [[Skagerrak]] med [[Østersøen]] gennem [[Øresund]] og bælterne."""),
    ("Nordsøen", 0, None, """'''Nordsøen''' er et randhav til [[Atlanterhavet]] vest for [[Jylland]]. Nordsøen er kendt for fiskeri og olie. Mange skibe sejler over Nordsøen hver dag."""),
    ("Østersøen", 0, None, """'''Østersøen''' er et indhav i det nordlige [[Europa]]. Den forbindes med [[Kattegat]] gennem [[Øresund]] og bælterne. Østersøen har brakvand."""),
    ("Norden", 0, None, """'''Norden''' er landene [[Danmark]], [[Sverige]], [[Norge]], [[Finland]] og [[Island]]. De nordiske lande samarbejder i [[Nordisk Råd]]. Danmark, Norge og Sverige har beslægtede sprog."""),
    ("Roskilde", 0, None, """'''Roskilde''' er en by på [[Sjælland]] ved [[Roskilde Fjord]]. I [[Roskilde Domkirke]] er mange danske konger og dronninger begravet.

Roskilde Festival er en af de største musikfestivaler i [[Europa]]. Vikingeskibsmuseet i Roskilde viser skibe fra vikingetiden.
[[Kategori:Byer i Danmark]]"""),
    ("Dannebrog", 0, None, """'''Dannebrog''' er [[Danmark]]s flag: et hvidt kors på rød bund. Ifølge sagnet faldt Dannebrog ned fra himlen i 1219 under et slag i [[Estland]].

Dannebrog regnes for verdens ældste nationalflag, der stadig er i brug. På [[Christiansborg]] hejses Dannebrog hver dag."""),
    ("Folketinget", 0, None, """'''Folketinget''' er [[Danmark]]s parlament og mødes på [[Christiansborg]] i [[København]]. Folketinget har 179 medlemmer, og der er valg mindst hvert fjerde år.

Grundloven fra 1849 indførte Folketinget. Medlemmer fra [[Grønland]] og [[Færøerne]] sidder også i Folketinget."""),
    # Redirects, with the target in the <redirect> element as in real dumps.
    ("Kbh", 0, "København", "#REDIRECT [[København]]"),
    ("Hans Christian Andersen", 0, "H.C. Andersen", "#REDIRECT [[H.C. Andersen]]"),
    ("Den lille havfrue (eventyr)", 0, "Den Lille Havfrue", "#REDIRECT [[Den Lille Havfrue]]"),
    ("Fysik", 0, "Fysiker", "#OMDIRIGERING [[Fysiker]]"),
    ("Den Lille Havfrue", 0, None, """'''Den Lille Havfrue''' er en statue ved [[Langelinie]] i [[København]]. Statuen er inspireret af eventyret af [[H.C. Andersen]] og blev afsløret i 1913. Den Lille Havfrue er en af Københavns mest besøgte seværdigheder."""),
    # A category page, a file page, a template page and a project page.
    ("Kategori:Danmark", 14, None, """Denne kategori handler om [[Danmark]].
[[Kategori:Lande i Europa]]"""),
    ("Fil:Flag of Denmark.svg", 6, None, """== Beskrivelse ==
Danmarks flag, [[Dannebrog]], et hvidt kors på rød bund.
{{Information|kilde=eget værk}}"""),
    ("Skabelon:Infoboks land", 10, None, """<includeonly>{| class="infobox"
| {{{navn}}}
|}</includeonly><noinclude>Skabelon til lande i [[Europa]], for eksempel [[Danmark]] og [[Sverige]].</noinclude>"""),
    ("Wikipedia:Om", 4, None, """Wikipedia er en fri encyklopædi. Se [[Danmark]] og [[København]]."""),
]

NAMESPACES = [(-2, "Medie"), (-1, "Speciel"), (0, ""), (1, "Diskussion"), (2, "Bruger"), (4, "Wikipedia"),
              (6, "Fil"), (8, "MediaWiki"), (10, "Skabelon"), (12, "Hjælp"), (14, "Kategori"), (100, "Portal")]


def dump_xml():
    out = ['<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://www.mediawiki.org/xml/export-0.10/ http://www.mediawiki.org/xml/export-0.10.xsd" '
           'version="0.10" xml:lang="da">',
           '  <siteinfo>', '    <sitename>Wikipedia</sitename>', '    <dbname>dawiki</dbname>',
           '    <base>https://da.wikipedia.org/wiki/Forside</base>', '    <generator>MediaWiki 1.36.0-wmf.30</generator>',
           '    <case>first-letter</case>', '    <namespaces>']
    for key, name in NAMESPACES:
        if name:
            out.append(f'      <namespace key="{key}" case="first-letter">{name}</namespace>')
        else:
            out.append(f'      <namespace key="{key}" case="first-letter" />')
    out += ['    </namespaces>', '  </siteinfo>']
    for n, (title, ns, redirect, text) in enumerate(PAGES):
        out += ['  <page>', f'    <title>{escape(title)}</title>', f'    <ns>{ns}</ns>', f'    <id>{n + 1}</id>']
        if redirect:
            out.append(f'    <redirect title="{escape(redirect, {chr(34): "&quot;"})}" />')
        body = escape(text, {'"': '&quot;'})
        out += ['    <revision>', f'      <id>{1000 + n}</id>', f'      <parentid>{900 + n}</parentid>',
                '      <timestamp>2021-03-01T00:00:00Z</timestamp>',
                '      <contributor>', '        <username>nerbench</username>', '        <id>1</id>', '      </contributor>',
                '      <model>wikitext</model>', '      <format>text/x-wiki</format>',
                f'      <text bytes="{len(text.encode())}" xml:space="preserve">{body}</text>',
                '      <sha1>0000000000000000000000000000000</sha1>', '    </revision>', '  </page>']
    out.append('</mediawiki>')
    return '\n'.join(out) + '\n'


def is_punct(c):
    o = ord(c)
    if 33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126:
        return True
    return unicodedata.category(c).startswith('P')


def basic_words(text):
    words = []
    for w in text.lower().split():
        cur = ''
        for c in w:
            if is_punct(c):
                if cur:
                    words.append(cur)
                    cur = ''
                words.append(c)
            else:
                cur += c
        if cur:
            words.append(cur)
    return words


def vocab():
    specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
    words = set()
    for _, _, _, text in PAGES:
        words.update(basic_words(re.sub(r"<[^>]*>|\{\{|\}\}|\[\[|\]\]|'''|''|\|", ' ', text)))
    toks = set()
    for w in words:
        # Long words ending in -en, -er or -et only as stem + suffix piece.
        if len(w) > 7 and w[-2:] in ('en', 'er', 'et'):
            toks.update([w[:-2], '##' + w[-2:]])
        else:
            toks.add(w)
    chars = {c for w in words for c in w}
    toks.update(chars)
    toks.update('##' + c for c in chars)
    return specials + sorted(toks - set(specials))


if __name__ == '__main__':
    with open('dawiki-fixture-pages-articles.xml.bz2', 'wb') as f:
        f.write(bz2.compress(dump_xml().encode('utf-8'), 9))
    with open('vocab.txt', 'w', encoding='utf-8') as f:
        f.write('\n'.join(vocab()) + '\n')
