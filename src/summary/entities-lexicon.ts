/**
 * The words the entity rules look for: hand-written closed classes of news English (titles, organisation
 * and place words, the frames around names) and the gazetteers generated from compromise's lexicon
 * (`entities-gazetteer.ts`). Nothing here is a list of particular people; the gazetteers hold first
 * names, countries, cities, regions, nationalities and well-known organizations.
 */
import { CITIES, COUNTRIES, DEMONYMS, FIRST_NAMES, ORGANIZATIONS, REGIONS } from './entities-gazetteer.js';
import type { EntityType } from './entities-types.js';

const set = (words: string) => new Set(words.split(' '));
const listed = (packed: string) => new Set(packed.split('|'));

const FIRST_NAME_SET = listed(FIRST_NAMES);
const COUNTRY_SET = listed(COUNTRIES);
const DEMONYM_SET = listed(DEMONYMS);
/**
 * Organizations, cities and regions in one map, so that a name none of them lists (most names looked up)
 * costs one look-up, not three; an organization's entry wins over a city or region of the same name.
 */
const LISTED_TYPES = new Map<string, EntityType>();
for (const name of [...listed(CITIES), ...listed(REGIONS)]) LISTED_TYPES.set(name, 'places');
for (const name of listed(ORGANIZATIONS)) LISTED_TYPES.set(name, 'organizations');

const MARKS = /\p{M}/gu;

/** Letters without accents, lowercase: "Grégory" is looked up as "gregory". */
export const folded = (word: string) =>
  /^[\x00-\x7f]*$/.test(word) ? word.toLowerCase() : word.normalize('NFD').replace(MARKS, '').toLowerCase();

export const isFirstName = (word: string) => FIRST_NAME_SET.has(folded(word));
/** Faiths are adjectives like nationalities: "Roman Catholic", "Sunni". */
const FAITHS = set(
  "catholic protestant muslim jewish christian buddhist hindu orthodox islamic sunni shiite shi'ite",
);
/** "Surinamese", "Kurdish", "Eastern": adjectives of peoples, languages and compass points. */
const ADJECTIVE_ENDING = /^\p{Ll}{2,}(?:ese|ish)$/u;
const COMPASS_ADJECTIVES = set('eastern western northern southern');
/** Nationalities, faiths and compass points in one set: one look-up for the words that are none. */
const DEMONYMS_FAITHS_COMPASS = new Set([...DEMONYM_SET, ...FAITHS, ...COMPASS_ADJECTIVES]);
/** The endings are tested first: the pattern runs only on the few words that have one. */
export const isDemonym = (lower: string) =>
  DEMONYMS_FAITHS_COMPASS.has(lower) ||
  (lower.endsWith('s') && DEMONYM_SET.has(lower.slice(0, -1))) ||
  ((lower.endsWith('ese') || lower.endsWith('ish')) && ADJECTIVE_ENDING.test(lower));

/**
 * The type a gazetteer gives a lowercase name. With `countryOnly`, only countries count as places: a
 * city or county in a sports fixture is its club ("Milan", "Surrey"), a country its national team.
 */
export function gazetteerType(lower: string, countryOnly = false): EntityType | undefined {
  if (COUNTRY_LEVEL.has(lower) || isPlaceAcronym(lower)) return 'places';
  return countryOnly ? undefined : LISTED_TYPES.get(lower);
}

/**
 * "us", "u.s.": upper-casing never shortens a string, so a name longer than the longest acronym is not
 * upper-cased to be looked up (most names looked up are).
 */
const isPlaceAcronym = (lower: string) =>
  lower.length <= LONGEST_PLACE_ACRONYM && PLACE_ACRONYMS.has(lower.toUpperCase());

/** Countries and parts of the world the generated lists lack ("Britain", "Middle East"). */
const WORLD_REGIONS = new Set(
  (
    'britain|great britain|europe|asia|africa|america|americas|north america|south america|latin america|' +
    'central america|middle east|far east|balkans|caribbean|scandinavia|arctic|antarctica|west bank|gaza|' +
    'gaza strip|midwest|siberia|caucasus|north caucasus|kashmir|tibet|kurdistan|sahara|persian gulf|gulf|' +
    'pacific|atlantic|mediterranean|baltic|south korea|north korea|soviet union|russian federation|hong kong|' +
    'taiwan|palestine|yugoslavia|bosnia|herzegovina|kosovo|chechnya|dagestan|northern ireland|wales|scotland|' +
    'england|ulster|holland|czech republic|slovakia|macedonia|montenegro|serbia|croatia|slovenia'
  ).split('|'),
);

const PLACE_ACRONYMS = set('US U.S. USA U.S.A. UK U.K. UAE U.A.E. USSR');
const LONGEST_PLACE_ACRONYM = Math.max(...[...PLACE_ACRONYMS].map((acronym) => acronym.length));
/** Countries and world regions in one set: one look-up for the names that are neither. */
const COUNTRY_LEVEL = new Set([...COUNTRY_SET, ...WORLD_REGIONS]);

/** An acronym is an organization ("NATO", "U.N.") unless it is one of the few that name countries. */
export const acronymType = (word: string): EntityType =>
  PLACE_ACRONYMS.has(word) ? 'places' : 'organizations';

/** Titles and roles written before a name; a run made only of them is nobody. */
const PERSON_TITLES = set(
  'Mr Mrs Ms Miss Dr Sir Dame Lord Lady Mr. Mrs. Ms. Dr. President Presidents Vice Prime Minister Ministers ' +
    'Chancellor Premier Secretary Senator Sen Rep Representative Congressman Congresswoman Gov Governor Mayor ' +
    'King Queen Prince Princess Pope General Gen Colonel Col Captain Capt Lt Lieutenant Sgt Sergeant Judge ' +
    'Justice Chairman Chairwoman Chief Director Coach Manager Officer Detective Inspector Professor Prof Father ' +
    'Rev Reverend Bishop Archbishop Cardinal Sheikh Ayatollah Commander Ambassador Envoy Spokesman Spokeswoman ' +
    'Deputy Foreign Finance Defence Defense Interior Health Trade Economy Opposition Leader Speaker Rabbi Imam ' +
    'Emperor Crown Acting Former Assistant Agent Corporal Admiral Marshal Field Senior Striker Midfielder ' +
    'Defender Goalkeeper Saint Brother Sister Uncle Aunt Grandmother Grandfather Private Constable Superintendent ' +
    'Attorney Solicitor Counsel CEO Executive Treasurer Commissioner Auditor Economist Analyst Spokesperson ' +
    'Representatives Senators Councillor Councilor Cllr Alderman Alderwoman Archdeacon Dean',
);
export const isPersonTitle = (word: string) => PERSON_TITLES.has(word);

/** Lowercase words after which a capitalized name is a person: "coach X", "striker X", "wife X". */
export const PERSON_NOUNS_BEFORE = set(
  'coach striker midfielder defender goalkeeper forward captain manager president spokesman spokeswoman ' +
    'leader minister chairman chancellor premier senator governor mayor secretary champion driver rider ' +
    'player compatriot teammate seed winner son daughter wife husband brother sister father mother actor ' +
    'actress singer star director author lawyer attorney judge officer general colonel rival opponent veteran ' +
    'batsman bowler spinner all-rounder skipper opener keeper pitcher quarterback boxer golfer cyclist ' +
    'sprinter swimmer runner',
);

/**
 * Lowercase nouns after which a capitalized name is a business, with or without the apposition comma:
 * "the quarry's owner, Ardley Aggregates,", "carmaker Nissan". A first name still makes it a person.
 */
export const ORGANIZATION_NOUNS_BEFORE = set(
  'firm company companies owner owners operator developer developers maker carmaker drugmaker chipmaker ' +
    'supplier retailer contractor builder housebuilder sponsor publisher broadcaster carrier airline lender ' +
    'insurer bank brewer manufacturer distributor subsidiary conglomerate',
);

/** A run ending in one of these is an organization: "Labour Party", "Acme Corp", "Leeds United". */
const ORGANIZATION_WORDS = set(
  'Inc Inc. Corp Corp. Corporation Co Co. Ltd Ltd. Plc PLC LLC AG SA NV GmbH Group Holdings Company Bank ' +
    'Party Council Ministry University College Institute Association Federation Club United FC Agency ' +
    'Commission Committee Authority Board Bureau Office Department Service Services Airlines Airways Motors ' +
    'Industries Systems Technologies Electric Energy Oil Petroleum Telecom Communications Securities Capital ' +
    'Partners Investments Fund Trust Foundation Society Union League Organisation Organization Army Navy ' +
    'Force Forces Police Parliament Assembly Congress Senate Court Tribunal Cabinet Government Front Movement ' +
    'Alliance Coalition Brigade Brigades Exchange Times News Post Journal Herald Tribune Press Radio ' +
    'Television TV Network Church Hospital School Academy Rovers Wanderers Athletic Albion Town County ' +
    'Hotspur Rangers Sporting Stores Enterprises Associates Bancorp Insurance Pharmaceuticals Labs ' +
    'Laboratories Institution Centre Center Mission Guard Corps Unit Squad Team Kremlin Pentagon SpA ' +
    'Railway Railways Rail Chamber Cooperative Co-operative Treasury Fed Brewery Breweries Foods ' +
    'Pharma Media Entertainment Studios Records Steel Mining Chemicals Shipping Logistics Hotels Resorts ' +
    'S.A. Bros Bros. Newspaper Zeitung Magazine Review Gazette Telegraph Guardian Daily International Reserve ' +
    'Power Directorate Inspectorate Secretariat Administration Consortium',
);
export const isOrganizationWord = (word: string) => ORGANIZATION_WORDS.has(word);

/** A run starting with one of these is an organization: "Bank of England", "Real Madrid", "AC Milan". */
const ORGANIZATION_HEADS = set(
  'Ministry University Bank Department Bureau Council Court Institute Federation Association Commission ' +
    'Committee Board Office Real Inter AC Olympique Dynamo Spartak Lokomotiv CSKA Sporting Atletico Borussia ' +
    'Bayern Eintracht FC Partido Banco Banque Deutsche Societe Deportivo Racing',
);
export const isOrganizationHead = (word: string) => ORGANIZATION_HEADS.has(word);

/** A run ending or starting with one of these is a place: "Grace Street", "Lake Geneva", "Gaza Strip". */
const PLACE_WORDS = set(
  'Street Road Avenue Square River Lake Mount Mountains Island Islands Sea Ocean Bay Gulf Valley Province ' +
    'Region Republic Kingdom Coast Strait Peninsula Desert Bridge Canal Heights Hills Airport Stadium Park ' +
    'Highlands Basin Plain Plains Delta Cape Port Fort Sahara Emirates Territory Territories Strip North ' +
    'South East West Northern Southern Eastern Western Central Upper Lower Greater Middle Far Great Old City Lane Way Drive ' +
    'Terrace Crescent Gardens Quay Wharf Pier Harbour Harbor Station Halt Junction Beach Forest Falls Hill',
);
export const isPlaceWord = (word: string) => PLACE_WORDS.has(word);

/**
 * Lowercase nouns of a facility or a landform right after a name that modifies them: "the Kariba dam",
 * "the Severn bridge". Such a thing is named after its site, so the name is a place, not a person. Works
 * that businesses own (plant, factory, mine, store) are left out: "the Toyota plant" names a company; so
 * are "border" and "coast", which follow adjectives of nationality ("the Zairean border").
 */
export const PLACE_NOUNS_AFTER = set(
  'dam dams reservoir reservoirs bridge tunnel canal viaduct weir lake river estuary valley gorge moor moors ' +
    'airport airfield harbour harbor seafront',
);

/** Words that join two names of one kind: "at Ardley and Felsham". */
export const COORDINATORS = set('and or');

/**
 * Frames that cite a body with "the" before its name: "told the X", "according to the X". A person is
 * told, or cited, without an article.
 */
export const CITING_VERBS_BEFORE_THE = set('told');

/** News agencies and wire services, named without any organisation word. */
export const NEWS_AGENCIES = set(
  'Reuters AP AFP Xinhua Interfax Itar-Tass Tass Bloomberg Kyodo ANSA DPA Anadolu Yonhap PTI BBC CNN',
);

/** Lowercase words before which a name is a place: "in X", "from X", "near X". */
export const PLACE_PREPOSITIONS = set(
  'in at from near outside inside across throughout toward towards via into',
);

/** Lowercase words before "of" that make the name after it a place: "the village of X", "north of X". */
export const PLACE_NOUNS_BEFORE_OF = set(
  'village town city region province county district suburb island state capital outskirts north south ' +
    'east west northeast northwest southeast southwest',
);

/** A club, not a place, when the name plays: "X beat Y", "against Y", "X captain". */
export const SPORTS_VERBS_AFTER = set(
  'beat beats drew draw defeated edged thrashed routed crushed overcame v vs',
);
export const SPORTS_WORDS_BEFORE = set('beat against v vs versus defeated');
export const TEAM_NOUNS_AFTER = set(
  'captain coach manager striker midfielder defender goalkeeper batsman bowler skipper side team squad fans',
);

/** Capitalized but never a name: days, months, and the first word of sentences that start with one. */
export const TIME_WORDS = set(
  'Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July ' +
    'August September October November December Today Tomorrow Yesterday',
);

/** Common nouns news copy capitalizes at the start of a sentence or a headline. */
export const COMMON_CAPITALIZED = set(
  'I Police Officials Authorities Witnesses Residents Doctors Experts Analysts Investigators Prosecutors ' +
    'Troops Rebels Sources Reports Critics Officers Scientists Researchers Students Parents Fans Players ' +
    'Prices Shares Sales Profits Stocks Markets Traders Dealers Voters Workers Protesters Soldiers Militants ' +
    'Scores Results Standings Attendance Halftime Half-time Note Editor Photo Video Read More Click Share ' +
    'Breaking Update Updated Published Advertisement Related Copyright',
);

/** Words that open a sentence without being part of a name after them. */
export const FUNCTION_WORDS = set(
  'a an the this that these those his her its their our my your he she it they we you i and but or so yet ' +
    'if when while after before since as at in on of for from with by to into about over under without ' +
    'during despite although though because however meanwhile also then there here what who which where why ' +
    'how all both each every some many most several few no not only even just still now later earlier ' +
    'according last next first second third one two three four five six seven eight nine ten more other ' +
    'another such',
);

/** A run ending in one of these is an event or a title, not an entity: "World Cup", "Labor Day". */
const EVENT_WORDS = set(
  'Cup Open Games Olympics Olympic Day Championship Championships Trophy Prize Award Awards War Bowl Series ' +
    'Classic Masters Prix Festival Tour Rally Marathon Derby Week Year Act Bill Treaty Accord Agreement Plan',
);
export const isEventWord = (word: string) => EVENT_WORDS.has(word);

/** Acronyms that name units and things, not organizations. */
export const NOT_ENTITY_ACRONYMS = set(
  'GMT EDT EST BST CET PST GDP GNP CPI PMI AIDS HIV TV OK PC CEO VAT IPO AM PM FM DNA USD EUR ID',
);

/** Verbs after which a capitalized name is the speaker: "X said". */
export const SPEECH_VERBS = set('said says told added asked wrote insisted admitted explained');

/** The AP abbreviations of U.S. states, as in "Irvine, Calif.". */
const STATE_ABBREVIATIONS = set(
  'Ala. Ariz. Ark. Calif. Colo. Conn. Del. Fla. Ga. Ill. Ind. Kan. Ky. La. Md. Mass. Mich. Minn. Miss. ' +
    'Mo. Mont. Neb. Nev. N.H. N.J. N.M. N.Y. N.C. N.D. Okla. Ore. Pa. R.I. S.C. S.D. Tenn. Vt. Va. Wash. ' +
    'W.Va. Wis. Wyo. D.C.',
);
export const isStateAbbreviation = (word: string) => STATE_ABBREVIATIONS.has(word);
