import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../../src/summary/entities.js';
import { splitSentences } from '../../../src/summary/sentences.js';

/**
 * News sentences written for this test (not taken from any publication), in the four languages whose place
 * and body cues entities-foreign.ts reads. Most put a person, an institution, a party, a competition, a feast
 * or a platform after "à", "en", "a", "in" or "em", which says too little to make a place.
 */
const SENTENCES: Record<string, string[]> = {
  fr: [
    "Le président a rendu hommage à Chirac lors d'une cérémonie sobre aux Invalides.",
    "Le ministre a succédé à Borne en janvier après une longue période d'incertitude politique.",
    'Le club promu jouera en Ligue 1 la saison prochaine, a confirmé la direction mardi.',
    "L'équipe s'est qualifiée en Coupe de France après une victoire difficile contre Nantes.",
    'Le titre de champion revient à Pogačar pour la troisième fois, selon les organisateurs.',
    'Les actions du groupe ont chuté en Bourse après la publication des résultats trimestriels.',
    "La députée a été élue sous l'étiquette de la République en Marche dans cette circonscription.",
    "L'affaire sera jugée en Cour d'appel dans les prochains mois, a indiqué l'avocat.",
    'Le gouvernement a présenté le texte en Conseil des ministres mercredi dernier.',
    "Le maire a écrit à Macron pour demander une aide d'urgence pour les sinistrés.",
    'Les manifestants se sont rassemblés à Matignon avant de rejoindre la place de la République.',
    'Le joueur a été transféré au groupe Wagner selon des sources proches du dossier.',
    "La décision a été confiée à Dupont, le nouveau directeur de l'hôpital régional.",
    "Les habitants de la ville d'Angers ont voté massivement pour le projet de tramway.",
    'Le festival se tiendra à Cannes du 12 au 23 mai, avec un jury présidé par une actrice.',
    'Il a été condamné en Cour de cassation pour fraude fiscale et blanchiment.',
    'Elle a publié la nouvelle en Une du journal régional, suscitant de vives réactions.',
    'Le navire est arrivé au port de Brest samedi, après trois semaines en mer.',
  ],
  es: [
    'El presidente confía en Sánchez para liderar la negociación con los socios del Gobierno.',
    'La entrevista se publicó en El País el domingo y generó una fuerte polémica.',
    'Los diputados que militan en Podemos votaron en contra de la reforma laboral.',
    'El partido entró en Vox tras la ruptura con la dirección nacional, según fuentes internas.',
    'Las procesiones se celebrarán en Semana Santa a pesar de la lluvia prevista.',
    'El vídeo se volvió viral en TikTok en apenas unas horas, según la empresa.',
    'El equipo jugará en Primera División la próxima temporada tras ganar el ascenso.',
    'La noticia se difundió en Internet antes de que el ministerio la confirmara.',
    'El ministro compareció en Moncloa tras la reunión con los presidentes autonómicos.',
    'La empresa Telefónica anunció un expediente de regulación de empleo en Madrid.',
    'El caso se juzgará en Audiencia Nacional la semana que viene, informó el abogado.',
    'Los vecinos del barrio de Salamanca protestaron contra las obras de la plaza.',
    'El delantero marcó dos goles en Champions y fue elegido el mejor del partido.',
    'La cumbre se celebrará en Nochevieja en la sede del Parlamento Europeo en Bruselas.',
    'Los aficionados confían en Ancelotti para ganar la liga este año, dijo el presidente.',
    'El barco zarpó del puerto de Valencia con destino a Génova el martes.',
  ],
  it: [
    'Il presidente ha detto a Meloni che la riforma non passerà senza modifiche sostanziali.',
    'Il decreto è stato approvato in Senato con 98 voti favorevoli e 60 contrari.',
    'Il titolo ha perso il tre per cento in Borsa dopo la pubblicazione dei conti.',
    'La proposta è arrivata in Parlamento la settimana scorsa, secondo fonti di governo.',
    'Il sindaco è stato convocato in Procura per essere ascoltato come persona informata sui fatti.',
    "La squadra è tornata in Serie A dopo tre anni di assenza, tra l'entusiasmo dei tifosi.",
    'Il ricorso sarà discusso in Cassazione il prossimo mese, ha spiegato il legale.',
    "La giunta ha presentato il bilancio in Comune nonostante le proteste dell'opposizione.",
    'Molti turisti arriveranno a Ferragosto nelle località balneari della riviera.',
    'Il deputato è passato in Forza Italia dopo la rottura con il suo vecchio partito.',
    'Il tennista ha ceduto a Sinner in tre set nella semifinale del torneo di Vienna.',
    'Grazie a Dio nessuno è rimasto ferito nel crollo del vecchio edificio.',
    'Il ministro ha parlato a Palazzo Chigi dopo il consiglio dei ministri.',
    "Gli abitanti del comune di Lucca hanno protestato contro la chiusura dell'ospedale.",
    'Il consigliere ha denunciato il caso in Aula provocando la reazione della maggioranza.',
    "Le scuole resteranno chiuse a Capodanno e riapriranno il 7 gennaio, ha detto l'assessore.",
    'Il presidente ha chiesto a Mattarella di sciogliere le Camere entro la fine del mese.',
  ],
  pt: [
    'Milhões de eleitores votaram em Lula no segundo turno, segundo o tribunal eleitoral.',
    'A maioria dos deputados votou em Bolsonaro durante a sessão de ontem à noite.',
    'A reunião aconteceu em Brasília com a presença de vários ministros do governo.',
    'O projeto será votado em Plenário na próxima semana, afirmou o presidente da Câmara.',
    'A empresa Petrobras anunciou lucros recordes no último trimestre do ano.',
    'O clube voltou a jogar em Série A depois de dois anos na segunda divisão.',
    'A notícia foi publicada em O Globo e repercutiu nas redes sociais.',
    'O caso será julgado em Supremo Tribunal Federal até o final do mês.',
    'Os moradores do bairro de Copacabana reclamaram da falta de água nesta semana.',
    'O governador confia em Haddad para aprovar a reforma tributária no Congresso.',
    'As lojas abrem mais cedo em Dezembro por causa das compras de fim de ano.',
    'O vídeo foi publicado em Instagram e teve milhões de visualizações.',
    'A cidade de Santos registrou fortes chuvas durante a madrugada de domingo.',
    'O jogador foi vendido ao grupo City por cinquenta milhões de euros, segundo a imprensa.',
  ],
};

/** Every right answer a sentence holds: finding fewer is a miss, finding anything else is wrong. */
const RIGHT = {
  places: new Set(
    (
      'Invalides Nantes Matignon République Angers Cannes Brest Madrid Salamanca Valencia Génova Bruselas ' +
      'Moncloa Vienna Lucca Brasília Copacabana Santos'
    )
      .split(' ')
      .concat(['Palazzo Chigi']),
  ),
  organizations: new Set([
    'Wagner',
    'République en Marche',
    'Conseil des ministres',
    "Cour d'appel",
    'Cour de cassation',
    'Bourse',
    'El País',
    'Podemos',
    'Vox',
    'TikTok',
    'Telefónica',
    'Audiencia Nacional',
    'Parlamento Europeo',
    'Gobierno',
    'Senato',
    'Parlamento',
    'Procura',
    'Cassazione',
    'Comune',
    'Forza Italia',
    'Borsa',
    'Camere',
    'Petrobras',
    'City',
    'O Globo',
    'Supremo Tribunal Federal',
    'Plenário',
    'Instagram',
    'Congresso',
    'Câmara',
  ]),
};

/** What the extractor finds today, all of it right: a later change may add to it, not lose it. */
const FOUND_TODAY = {
  places: [
    'Angers',
    'Brasília',
    'Brest',
    'Copacabana',
    'Lucca',
    'Madrid',
    'Salamanca',
    'Santos',
    'Valencia',
    'Vienna',
  ],
  organizations: ['City', 'Petrobras', 'Telefónica', 'Wagner'],
};

describe('places and bodies in French, Spanish, Italian and Portuguese news sentences', () => {
  // Act: each sentence alone, in its language (a sentence is too short for detectLanguage to be sure).
  const found = { places: [] as string[], organizations: [] as string[] };
  for (const [language, sentences] of Object.entries(SENTENCES))
    for (const sentence of sentences) {
      const entities = extractEntities(sentence, splitSentences(sentence), language);
      found.places.push(...entities.places.map((e) => e.name));
      found.organizations.push(...entities.organizations.map((e) => e.name));
    }

  it('names no person, institution, party, competition or feast a place, and no person a body', () => {
    expect(found.places.filter((name) => !RIGHT.places.has(name))).toEqual([]);
    expect(found.organizations.filter((name) => !RIGHT.organizations.has(name))).toEqual([]);
  });

  it('still finds the places and bodies that a place noun, a body noun or the gazetteer shows', () => {
    expect(found.places).toEqual(expect.arrayContaining(FOUND_TODAY.places));
    expect(found.organizations).toEqual(expect.arrayContaining(FOUND_TODAY.organizations));
  });
});
