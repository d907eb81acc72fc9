/**
 * Entities of text that is not English, from what its script and capitalization show without English
 * rules: a run of capitalized words led by a known first name is a person ("Grégory Doucet", "Анатолий
 * Локоть"), a run a gazetteer knows is a place, an acronym is an organization, and in languages that
 * capitalize only names, a run opened by an organisation word ("Banque de France") is one, and a run
 * after a noun naming a kind of place and "de", or after a noun naming a kind of body, is one of those.
 * German capitalizes every noun, so there a capital proves nothing: only first names, gazetteer places and
 * acronyms count, and "Milliarden Euro" is nobody.
 */
import type { Candidate, EntityType, Token } from './entities-types.js';
import { acronymType, folded, gazetteerType, isFirstName } from './entities-lexicon.js';
import { isRomance } from './language.js';

/** Common Russian first names, in the nominative; inflected forms are matched by their stem. */
const RUSSIAN_FIRST_NAMES = (
  'Александр Алексей Анатолий Андрей Антон Аркадий Борис Вадим Валентин Валерий Василий Виктор Виталий ' +
  'Владимир Владислав Вячеслав Геннадий Георгий Григорий Денис Дмитрий Евгений Егор Иван Игорь Илья Кирилл ' +
  'Константин Леонид Максим Михаил Никита Николай Олег Павел Пётр Петр Роман Руслан Сергей Станислав Степан ' +
  'Фёдор Федор Юрий Ярослав Анна Алла Валентина Вера Галина Дарья Екатерина Елена Ирина Мария Марина Наталья ' +
  'Надежда Нина Ольга Светлана Татьяна Юлия Людмила Ксения Софья Полина Алина Оксана Лариса Любовь Евгения'
).split(' ');
/** The stems the case endings attach to: "Сергея" and "Сергею" are Сергей, "Ирины" is Ирина. */
const RUSSIAN_STEMS = new Set(RUSSIAN_FIRST_NAMES.map((name) => name.replace(/[аяйьо]$/u, '')));

const OPENS_CYRILLIC = /^\p{Script=Cyrillic}/u;

function isForeignFirstName(word: string): boolean {
  if (OPENS_CYRILLIC.test(word)) {
    for (let cut = word.length; cut >= Math.max(3, word.length - 3); cut--) {
      if (RUSSIAN_STEMS.has(word.slice(0, cut))) return true;
    }
    return false;
  }
  return isFirstName(word);
}

/** First names that are also German nouns or words ("Mark" the currency, "Ernst" serious). */
const GERMAN_NOUN_NAMES = new Set(['mark', 'ernst', 'rose', 'will', 'may']);

/** What a one-word German place follows: a preposition of place, or a noun naming a kind of place. */
const GERMAN_PLACE_CUES = new Set(
  'in nach aus bei von zwischen gegenüber stadt hauptstadt gemeinde dorf kreis landkreis region'.split(' '),
);

/**
 * Words that open the name of a competition ("Coupe de France", "Copa del Rey", "Tour de France"): the run
 * names an event, not the place inside it, and events are nothing (as in English: "World Cup").
 */
const EVENT_HEADS = new Set(
  (
    'Coupe Copa Coppa Taça Tour Giro Vuelta Championnat Campeonato Campionato Mondial Mundial Mondiale ' +
    'Jeux Juegos Giochi Jogos'
  ).split(' '),
);

/** Words that open an organization's name in languages that capitalize names only. */
const ORGANIZATION_HEADS = new Set(
  (
    'Banque Ministère Université Parti Société Conseil Commission Assemblée Union Fédération Agence Compagnie ' +
    'Universidad Ministerio Banco Partido Consejo Comisión Asamblea Federación Agencia Università Ministero ' +
    'Partito Consiglio Commissione Banca Universiteit Ministerie Partij Raad Bank Universidade Ministério'
  ).split(' '),
);

/**
 * In a Romance language (language.ts), what the words right before a run say it is: "de" after a noun
 * naming a kind of place ("la gare de Montvallon", "il comune di Valdosca", "la ville d'Orvelle"), or a noun
 * naming a kind of body ("l'association Vélo Vallée", "el grupo Vesta"). A preposition alone ("à", "en",
 * "a") says too little: what follows it in news is as often a person or an institution ("à Macron", "in
 * Senato") as a place.
 */
const PLACE_NOUNS = new Set(
  (
    'village ville commune gare lac région quartier vallée port île ' +
    'ciudad pueblo provincia municipio barrio puerto isla ' +
    'città comune paese lago porto isola ' +
    'cidade vila município bairro ilha'
  ).split(' '),
);
const OF = new Set(['de', 'di', 'do', 'da']);
const BODY_NOUNS = new Set(
  (
    'association société entreprise groupe syndicat fondation collectif fédération ' +
    'asociación empresa grupo sindicato fundación ' +
    'associazione società azienda gruppo sindacato fondazione ' +
    'associação fundação'
  ).split(' '),
);
/** "l'association" is "association" after an elided article. */
const withoutElision = (word: string) => word.toLowerCase().replace(/^[ld]['’]/u, '');
/** "d'Orvelle": the place, after an elided "de". */
const ELIDED_OF = /^[dD]['’]/u;
/** "l'Assemblée": the article belongs to the name, which is a body, not the place a cue expects. */
const ELIDED_ARTICLE = /^[lL]['’]/u;
/** Words next to each other in one sentence: nothing between them but spaces (no comma, no full stop). */
const ADJACENT_GAP = /^[ \t]+$/u;

const CONNECTORS = new Set('de du des la le del di da do dos van von der y e'.split(' '));
/**
 * "Grégory", and "d'Estaing" or "l'Oréal" after an elided article, but not "L'association", whose capital
 * is the article's.
 */
const CAPITALIZED = /^(?:[ldLD]['’](?=\p{Lu})|(?![ldLD]['’]))\p{Lu}/u;
const ACRONYM = /^(?:\p{Lu}\.){2,}$|^\p{Lu}[\p{Lu}\p{N}]{1,5}$/u;
const isCapitalized = (word: string) => CAPITALIZED.test(word);
const isAcronym = (word: string) => ACRONYM.test(word);

export function foreignEntityRuns(tokens: readonly Token[], text: string, language: string): Candidate[] {
  const candidates: Candidate[] = [];
  const add = (name: string, type: EntityType) => {
    candidates.push({ name, votes: { [type]: 1 } });
  };
  const span = (from: number, to: number) => text.slice(tokens[from]?.start, tokens[to - 1]?.end);
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as Token;
    if (token.shouted || !isCapitalized(token.text)) {
      i++;
      continue;
    }
    let end = i + 1;
    while (
      end < tokens.length &&
      !tokens[end]?.sentenceStart &&
      text.slice(tokens[end - 1]?.end, tokens[end]?.start) === ' '
    ) {
      const next = tokens[end]?.text ?? '';
      if (isCapitalized(next)) end++;
      else if (CONNECTORS.has(next) && isCapitalized(tokens[end + 1]?.text ?? '')) end += 2;
      else break;
    }
    typeRun(i, end);
    i = end;
  }
  return candidates;

  /**
   * German capitalizes nouns that are also towns somewhere ("bis Ende Januar"): one word counts as a place
   * only after a cue ("in Ulm", "die Stadt Ulm").
   */
  function afterPlaceCue(index: number): boolean {
    const previous = tokens[index - 1];
    return previous !== undefined && GERMAN_PLACE_CUES.has(previous.text.toLowerCase());
  }

  /** What the words right before the run at `index` say it is (see PLACE_NOUNS), if anything. */
  function cueBefore(index: number): EntityType | undefined {
    const run = tokens[index];
    const previous = tokens[index - 1];
    if (!isRomance(language) || !run || !previous) return undefined;
    if (!adjacent(previous, run) || ELIDED_ARTICLE.test(run.text)) return undefined;
    const word = withoutElision(previous.text);
    if (ELIDED_OF.test(run.text)) return PLACE_NOUNS.has(word) ? 'places' : undefined;
    if (BODY_NOUNS.has(word)) return 'organizations';
    const noun = tokens[index - 2];
    const afterPlaceNoun =
      noun !== undefined && adjacent(noun, previous) && PLACE_NOUNS.has(withoutElision(noun.text));
    return OF.has(word) && afterPlaceNoun ? 'places' : undefined;
  }

  function adjacent(left: Token, right: Token): boolean {
    return ADJACENT_GAP.test(text.slice(left.end, right.start));
  }

  function typeRun(from: number, to: number): void {
    const words = tokens.slice(from, to).map((t) => t.text);
    if (language !== 'de' && words.length >= 2 && EVENT_HEADS.has(words[0] ?? '')) return;
    const found = candidates.length;
    for (let k = 0; k < words.length; k++) {
      const word = words[k] ?? '';
      const rest = words.length - k;
      if (isAcronym(word) && words.length === 1) {
        add(word, acronymType(word));
        return;
      }
      const place = [3, 2, 1].find(
        (n) => n <= rest && gazetteerType(folded(words.slice(k, k + n).join(' '))) === 'places',
      );
      if (place && (language !== 'de' || place > 1 || afterPlaceCue(from + k))) {
        add(span(from + k, from + k + place), 'places');
        k += place - 1;
        continue;
      }
      let nameTail = 0;
      while (nameTail < 2 && isCapitalized(words[k + 1 + nameTail] ?? '')) nameTail++;
      const germanNoun = language === 'de' && GERMAN_NOUN_NAMES.has(folded(word));
      if (rest >= 2 && nameTail > 0 && isForeignFirstName(word) && !germanNoun) {
        add(span(from + k, from + k + 1 + nameTail), 'people');
        return;
      }
      if (language !== 'de' && rest >= 2 && ORGANIZATION_HEADS.has(word)) {
        add(span(from + k, to), 'organizations');
        return;
      }
    }
    const cue = candidates.length === found ? cueBefore(from) : undefined;
    if (cue) add(span(from, to).replace(ELIDED_OF, ''), cue);
  }
}
