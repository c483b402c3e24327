// The demo programme: ANCI Lombardia's Lab'Impact laboratories (FAMI 2014-2020, see
// ../shared/context/labimpact-programme.txt), with their structure kept and their dates moved into the
// coming months. Dates are relative: `week` counts working weeks from the current one (1 = next week,
// -1 = last week; August and the Christmas fortnight are skipped, as the real programme paused there),
// `weekday` is 1 = Monday ... 5 = Friday, and times are Europe/Rome wall-clock times.
import type { CycleFormat, Publication } from '../schema.ts';

export interface DemoTheme {
  slug: string;
  name_it: string;
  name_en: string;
}

export const DEMO_THEMES: DemoTheme[] = [
  { slug: 'mediazione-interculturale', name_it: 'Mediazione interculturale', name_en: 'Intercultural mediation' },
  { slug: 'coprogettazione-coprogrammazione', name_it: 'Coprogettazione e coprogrammazione', name_en: 'Co-design and co-programming' },
  { slug: 'welfare-di-comunita', name_it: 'Welfare di comunità e valutazione', name_en: 'Community welfare and evaluation' },
  { slug: 'comunicazione-generativa', name_it: 'Comunicazione generativa e inclusiva', name_en: 'Generative and inclusive communication' },
  { slug: 'emergenza-ucraina', name_it: 'Emergenza Ucraina', name_en: 'Ukraine emergency' },
  { slug: 'reti-territoriali', name_it: 'Reti territoriali', name_en: 'Territorial networks' },
];

export interface DemoSession {
  title: string;
  week: number;
  weekday: 1 | 2 | 3 | 4 | 5;
  start: string;
  end: string;
}

export interface DemoCycle {
  slug: string;
  theme: string;
  kind: 'cycle' | 'conference';
  title: string;
  summary: string;
  description: string;
  format: CycleFormat;
  location: string | null;
  /** Whom participants write to (issue 15); none: the programme's contact, if configured, answers. */
  contact?: { name: string; email: string; phone: string | null };
  /** Training credits, as organisers write them (issue 15): on the cycle's page and the certificate. */
  credits?: string;
  /** Whom the cycle is for (issue 15): among the facts of the cycle's page. */
  audience?: string;
  /** Sessions get `${onlineUrl}-${n}` (online and hybrid cycles). */
  onlineUrl?: string;
  capacity: number;
  publication: Publication;
  /** Sign-ups open this many days from today (negative: already open) or before the first meeting, at 09:00. */
  opens: { daysFromToday: number } | { daysBeforeFirst: number };
  /** Sign-ups close this many days before the first meeting at the given time; default: the first meeting's start. */
  closes?: { daysBeforeFirst: number; time: string };
  sessions: DemoSession[];
  /** Sign-ups in arrival order (keys of DEMO_PEOPLE): confirmed while seats last, then waitlisted. */
  registrations?: string[];
  /** Among `registrations`, those who later cancelled (only in cycles that never filled up). */
  cancelled?: string[];
  /**
   * A finished cycle's register: for each confirmed person, the meetings (0 = the first) they attended;
   * they were marked absent at the others. Those not listed have no marks.
   */
  attended?: Record<string, number[]>;
  /** The participant whose "my registration" page after the cycle the start-up prints (demo.journey.ts). */
  showcase?: string;
}

const ROVELLO = 'ANCI Lombardia, Via Rovello 2, 20121 Milano';
const PALAZZO_LOMBARDIA = 'Palazzo Lombardia, Piazza Città di Lombardia 1, 20124 Milano';
// Invented people and addresses (example.it is reserved for examples).
const SEGRETERIA = { name: 'Segreteria Lab’Impact, ANCI Lombardia', email: 'labimpact@anci-lombardia.example.it', phone: '02 1234 5600' };

export const DEMO_CYCLES: DemoCycle[] = [
  {
    slug: 'la-mediazione-interculturale',
    theme: 'mediazione-interculturale',
    kind: 'cycle',
    title: 'La mediazione interculturale',
    summary:
      'Quattro incontri per riconoscere, organizzare e rendere sostenibile la mediazione interculturale nei servizi dei Comuni e delle reti territoriali.',
    description: [
      "Il laboratorio nasce dalle richieste delle reti territoriali del Piano regionale Lab'Impact (Fondo Asilo, Migrazione e Integrazione): un'occasione di confronto sul ruolo della mediazione interculturale negli sportelli, nei servizi sociali e nelle scuole, a partire dalle esperienze già avviate sui territori.",
      "I primi tre incontri alternano brevi interventi di esperti e lavoro in piccoli gruppi su casi reali portati dai partecipanti: l'accesso ai servizi, la relazione tra scuola e famiglie, i modelli organizzativi con cui i Comuni e gli Ambiti affidano e coordinano il servizio. L'incontro conclusivo, a qualche mese di distanza, restituisce quanto sperimentato nel frattempo e presenta l'e-book del laboratorio.",
      "Il ciclo è rivolto ad assistenti sociali, insegnanti, mediatrici e mediatori culturali, operatori degli sportelli per cittadini stranieri e funzionari comunali. L'attestato di partecipazione è rilasciato a chi frequenta almeno tre incontri su quattro.",
    ].join('\n\n'),
    format: 'in_person',
    location: ROVELLO,
    contact: SEGRETERIA,
    credits: '12 crediti per assistenti sociali (CROAS Lombardia)',
    audience: 'Assistenti sociali, insegnanti, mediatori culturali, operatori degli sportelli per cittadini stranieri e funzionari comunali',
    capacity: 30,
    publication: 'published',
    opens: { daysFromToday: -14 },
    sessions: [
      { title: 'Primo incontro — La mediazione nei servizi: ruoli, bisogni, aspettative', week: 2, weekday: 2, start: '09:30', end: '12:30' },
      { title: 'Secondo incontro — Scuola e famiglie: la mediazione nella relazione educativa', week: 3, weekday: 2, start: '09:30', end: '12:30' },
      { title: 'Terzo incontro — Modelli organizzativi e sostenibilità del servizio', week: 4, weekday: 4, start: '09:30', end: '12:30' },
      { title: "Incontro conclusivo — Restituzione delle sperimentazioni e presentazione dell'e-book", week: 19, weekday: 1, start: '14:30', end: '17:30' },
    ],
    registrations: [
      'giulia.colombo',
      'amina.bouzid',
      'francesca.brambilla',
      'andrea.villa',
      'hamid.elamrani',
      'silvia.fontana',
      'ioana.popescu',
      'fatou.diop',
      'laura.sala',
      'karim.benali',
    ],
    cancelled: ['andrea.villa'],
  },
  {
    slug: 'coprogettazione-e-coprogrammazione',
    theme: 'coprogettazione-coprogrammazione',
    kind: 'cycle',
    title: 'Coprogettazione e coprogrammazione tra enti locali e Terzo settore',
    summary:
      'Un laboratorio in sette incontri per costruire, con gli strumenti del Codice del Terzo settore, percorsi di coprogrammazione e coprogettazione del welfare locale.',
    description: [
      "La coprogrammazione e la coprogettazione sono diventate strumenti ordinari con cui i Comuni e gli Ambiti territoriali costruiscono le politiche sociali insieme agli enti del Terzo settore. Il laboratorio accompagna le reti Lab'Impact nel passaggio dalla norma alla pratica: come si legge un bisogno insieme alla comunità, come si scrive un avviso, come si governa una partnership nel tempo.",
      "Gli incontri affrontano il rapporto tra Codice dei contratti pubblici e Codice del Terzo settore, le procedure e gli atti amministrativi, la governance delle reti e la valutazione dei percorsi. Gli ultimi due incontri si svolgono nella stessa giornata: al mattino il confronto sulla valutazione, al pomeriggio la sintesi che confluirà nell'e-book del laboratorio.",
      'Il laboratorio si svolge in presenza a Palazzo Lombardia con collegamento online per chi non può raggiungere Milano. È pensato per funzionari e dirigenti dei Comuni, uffici di piano, assistenti sociali e referenti degli enti del Terzo settore coinvolti nelle reti territoriali.',
    ].join('\n\n'),
    format: 'hybrid',
    location: PALAZZO_LOMBARDIA,
    contact: { name: 'Chiara Locatelli', email: 'chiara.locatelli@anci-lombardia.example.it', phone: '+39 02 1234 5614' },
    credits: '21 crediti per assistenti sociali (CROAS Lombardia)',
    audience: 'Funzionari e dirigenti comunali, enti del Terzo settore, uffici di piano',
    onlineUrl: 'https://meet.example.org/labimpact-coprogettazione',
    capacity: 35,
    publication: 'published',
    opens: { daysFromToday: -20 },
    sessions: [
      { title: 'Primo incontro — Dal Codice del Terzo settore alla pratica: che cosa cambia per i Comuni', week: 3, weekday: 2, start: '09:30', end: '12:30' },
      { title: 'Secondo incontro — Coprogrammazione: leggere i bisogni insieme alla comunità', week: 5, weekday: 4, start: '09:30', end: '12:30' },
      { title: 'Terzo incontro — Coprogettazione: procedure, avvisi e convenzioni', week: 8, weekday: 4, start: '09:30', end: '12:30' },
      {
        title: 'Quarto incontro — Codice dei contratti e Codice del Terzo settore: una relazione in costruzione',
        week: 12,
        weekday: 2,
        start: '14:30',
        end: '17:30',
      },
      { title: "Quinto incontro — La governance delle reti e il ruolo dell'Ambito territoriale", week: 15, weekday: 3, start: '09:30', end: '12:30' },
      { title: 'Sesto incontro — Valutare i percorsi di coprogettazione', week: 18, weekday: 5, start: '09:30', end: '12:30' },
      { title: "Settimo incontro — Verso l'e-book del laboratorio: sintesi e impegni delle reti", week: 18, weekday: 5, start: '14:00', end: '16:30' },
    ],
    registrations: [
      'marco.ferrari',
      'paolo.ricci',
      'roberto.bonetti',
      'matteo.cattaneo',
      'stefano.rota',
      'nicola.barbieri',
      'davide.gatti',
      'valentina.moretti',
      'alessandro.fumagalli',
      'beatrice.longhi',
    ],
  },
  {
    slug: 'welfare-di-comunita-e-valutazione',
    theme: 'welfare-di-comunita',
    kind: 'cycle',
    title: 'Welfare di comunità e valutazione',
    summary: 'Un laboratorio a numero chiuso per imparare a valutare gli interventi di welfare di comunità delle reti territoriali.',
    description: [
      "Le reti Lab'Impact hanno avviato in questi anni azioni di community organizing, mentoring e mediazione culturale: il laboratorio aiuta a capire che cosa hanno prodotto, per chi e a quali condizioni possono continuare. Si lavora sugli strumenti della valutazione partecipata, dagli indicatori di esito alle storie di cambiamento raccolte con i beneficiari.",
      "Per poter lavorare sui progetti portati dai partecipanti il gruppo è a numero chiuso: dodici posti, preferibilmente due per rete. Chi si iscrive a posti esauriti entra in lista d'attesa e riceve la conferma automaticamente se un posto si libera.",
      "Gli incontri si tengono nella Sala consiliare del Comune di Dalmine, capofila di una delle reti del progetto. L'attestato è rilasciato a chi frequenta almeno tre incontri su quattro.",
    ].join('\n\n'),
    format: 'in_person',
    location: 'Sala consiliare del Municipio, Piazza Libertà 1, 24044 Dalmine (BG)',
    contact: { name: 'Ufficio di Piano dell’Ambito di Dalmine', email: 'ufficiodipiano@comune.dalmine.example.it', phone: '035 123 4567' },
    capacity: 12,
    publication: 'published',
    opens: { daysFromToday: -21 },
    sessions: [
      { title: 'Primo incontro — Che cosa vuol dire valutare il welfare di comunità', week: 2, weekday: 3, start: '14:30', end: '17:30' },
      { title: 'Secondo incontro — Indicatori, dati e storie di cambiamento', week: 3, weekday: 3, start: '14:30', end: '17:30' },
      { title: 'Terzo incontro — La valutazione partecipata con i beneficiari', week: 5, weekday: 3, start: '14:30', end: '17:30' },
      { title: 'Incontro conclusivo — Restituire i risultati alla comunità e agli amministratori', week: 6, weekday: 3, start: '14:30', end: '17:30' },
    ],
    registrations: [
      'giulia.colombo',
      'paolo.ricci',
      'simona.rinaldi',
      'federica.marchetti',
      'claudia.ferri',
      'stefano.rota',
      'maria.locatelli',
      'chiara.galli',
      'anna.pellegrini',
      'elena.zanetti',
      'luca.mariani',
      'marco.ferrari',
      'valentina.moretti',
      'giorgio.bertoli',
      'andrea.villa',
    ],
  },
  {
    slug: 'comunicazione-generativa-e-inclusiva',
    theme: 'comunicazione-generativa',
    kind: 'cycle',
    title: 'Comunicazione generativa e inclusiva',
    summary: 'Tre incontri di formazione per raccontare i servizi e le opportunità del territorio in modo chiaro, accessibile e capace di coinvolgere.',
    description: [
      "Come si racconta un servizio perché arrivi davvero a chi ne ha bisogno? Il laboratorio riprende l'attività di comunicazione di ANCI Lombardia, che ha dato voce ai modelli d'intervento delle 35 reti territoriali, e la trasforma in un ciclo di formazione per chi scrive avvisi, pagine web, volantini e messaggi ai cittadini.",
      "Si lavora sul linguaggio semplice e non discriminatorio, sulla comunicazione multilingue, sull'uso dei canali digitali e sul coinvolgimento delle associazioni di cittadini stranieri come alleate nella diffusione delle informazioni. Ogni partecipante porta un materiale del proprio ente da rivedere insieme.",
      'Le iscrizioni si aprono nei prossimi giorni. Gli incontri si tengono a Brescia, nella sede della Provincia.',
    ].join('\n\n'),
    format: 'in_person',
    location: 'Palazzo Broletto, Piazza Paolo VI 29, 25121 Brescia',
    contact: { name: 'Paolo Ferrari', email: 'paolo.ferrari@comune.brescia.example.it', phone: null },
    capacity: 25,
    publication: 'published',
    opens: { daysFromToday: 10 },
    sessions: [
      { title: 'Primo incontro — Scrivere per tutti: linguaggio chiaro e inclusivo', week: 6, weekday: 4, start: '09:30', end: '12:30' },
      { title: 'Secondo incontro — Comunicare in più lingue e con le comunità straniere', week: 7, weekday: 4, start: '09:30', end: '12:30' },
      { title: 'Terzo incontro — Canali digitali e racconto delle buone prassi delle reti', week: 8, weekday: 4, start: '09:30', end: '12:30' },
    ],
  },
  {
    slug: 'emergenza-ucraina-laboratori',
    theme: 'emergenza-ucraina',
    kind: 'cycle',
    title: "Emergenza Ucraina — Laboratori per l'accoglienza",
    summary: 'Due laboratori online per i Comuni e le reti che accolgono persone in fuga dalla guerra in Ucraina.',
    description: [
      "Nell'ambito del piano FAMI Lab'Impact, due laboratori online mettono in comune le soluzioni adottate dai territori lombardi per l'accoglienza delle persone in fuga dalla guerra in Ucraina: ospitalità diffusa presso le famiglie, accesso ai servizi sanitari e sociali, inserimento scolastico dei minori.",
      "Il primo laboratorio è dedicato al ruolo dei Comuni e degli Ambiti nel coordinamento dell'accoglienza; il secondo alla scuola e al sostegno alle famiglie, con la partecipazione di mediatrici linguistico-culturali di lingua ucraina.",
      'Gli incontri si svolgono su piattaforma online: il collegamento è indicato per ciascun incontro e inviato agli iscritti. Le iscrizioni chiudono due giorni prima del primo laboratorio.',
    ].join('\n\n'),
    format: 'online',
    location: null,
    contact: SEGRETERIA,
    onlineUrl: 'https://meet.example.org/labimpact-ucraina',
    capacity: 40,
    publication: 'published',
    opens: { daysFromToday: -10 },
    closes: { daysBeforeFirst: 2, time: '18:00' },
    sessions: [
      { title: "Primo laboratorio — L'accoglienza diffusa e il ruolo dei Comuni", week: 2, weekday: 5, start: '14:30', end: '17:00' },
      { title: "Secondo laboratorio — Scuola, minori e famiglie: l'inserimento dei bambini ucraini", week: 4, weekday: 5, start: '14:30', end: '17:00' },
    ],
    registrations: ['oksana.kovalenko', 'yuliia.shevchenko', 'maria.locatelli', 'francesca.brambilla', 'karim.benali', 'elisa.conti'],
  },
  {
    slug: 'partecipazione-attiva-e-associazioni',
    theme: 'reti-territoriali',
    kind: 'cycle',
    title: 'Partecipazione attiva dei migranti e associazioni',
    summary: 'Tre incontri per le reti che promuovono la partecipazione dei cittadini di origine straniera alla vita economica, sociale e culturale.',
    description: [
      "In Lombardia operano circa 480 associazioni di immigrati, un ruolo chiave per la partecipazione dei migranti alla vita della comunità. Il laboratorio sostiene le reti locali che hanno progettato interventi di promozione della partecipazione attiva (Azione 4 dell'Avviso Impact), valorizzando le associazioni come attori del welfare e non solo come destinatarie.",
      'Gli incontri alternano testimonianze di associazioni e amministrazioni a lavoro di gruppo sulle forme di collaborazione possibili: patti, tavoli di consultazione, spazi di aggregazione condivisi.',
      'Il laboratorio si tiene a Bergamo. Le iscrizioni chiudono una settimana prima del primo incontro, per consentire di organizzare i gruppi di lavoro.',
    ].join('\n\n'),
    format: 'in_person',
    location: 'Palazzo Frizzoni, Sala consiliare, Piazza Matteotti 27, 24122 Bergamo',
    contact: { name: 'Servizi sociali del Comune di Bergamo', email: 'servizisociali@comune.bergamo.example.it', phone: '035 765 4321' },
    capacity: 25,
    publication: 'published',
    opens: { daysFromToday: -7 },
    closes: { daysBeforeFirst: 7, time: '12:00' },
    sessions: [
      { title: 'Primo incontro — Le associazioni di migranti sul territorio: chi sono, che cosa fanno', week: 4, weekday: 1, start: '14:30', end: '17:30' },
      { title: 'Secondo incontro — Forme di collaborazione tra Comuni e associazioni', week: 6, weekday: 1, start: '14:30', end: '17:30' },
      { title: 'Terzo incontro — Spazi di incontro e aggregazione: esperienze a confronto', week: 8, weekday: 1, start: '14:30', end: '17:30' },
    ],
    registrations: ['fatou.diop', 'hamid.elamrani', 'amina.bouzid', 'karim.benali'],
  },
  {
    slug: 'coprogettazione-e-coprogrammazione-convegno-finale',
    theme: 'coprogettazione-coprogrammazione',
    kind: 'conference',
    title: 'Coprogettazione e coprogrammazione — Convegno finale',
    summary: 'Il convegno che chiude il laboratorio: le reti locali presentano i loro percorsi di coprogrammazione e coprogettazione del welfare di comunità.',
    description: [
      "Il convegno finale presenta i risultati del laboratorio su coprogettazione e coprogrammazione e l'e-book «Le reti locali e i cicli di coprogrammazione e coprogettazione del welfare di comunità». Intervengono rappresentanti di Regione Lombardia, di ANCI Lombardia, degli Ambiti territoriali e degli enti del Terzo settore.",
      "Nella seconda parte della mattinata alcune reti raccontano le proprie esperienze: il Distretto Visconteo Sudmilano, l'Ambito di Dalmine, la Bassa Bresciana Orientale e la rete di Garbagnate Milanese.",
      "Il convegno si tiene nell'Auditorium di Palazzo Lombardia ed è trasmesso in diretta online.",
    ].join('\n\n'),
    format: 'hybrid',
    location: 'Palazzo Lombardia, Auditorium Testori, Piazza Città di Lombardia 1, 20124 Milano',
    contact: SEGRETERIA,
    onlineUrl: 'https://meet.example.org/labimpact-convegno-finale',
    capacity: 150,
    publication: 'published',
    opens: { daysFromToday: -5 },
    sessions: [{ title: 'Convegno finale — Le reti locali e il welfare di comunità', week: 20, weekday: 4, start: '09:30', end: '13:00' }],
    registrations: ['marco.ferrari', 'paolo.ricci', 'matteo.cattaneo', 'roberto.bonetti', 'beatrice.longhi', 'chiara.galli', 'nicola.barbieri', 'davide.gatti'],
  },
  {
    slug: 'analisi-del-funzionamento-delle-reti',
    theme: 'reti-territoriali',
    kind: 'cycle',
    title: 'Le reti locali alla prova: analisi del funzionamento di tre reti di servizi',
    summary: "Tre incontri per rileggere, con gli operatori, come funzionano tre reti di servizi per l'integrazione e che cosa le rende sostenibili.",
    description: [
      "A partire dall'analisi di tre reti di servizi del progetto Lab'Impact, il laboratorio ha messo a confronto modelli di governance, strumenti di coordinamento e condizioni di sostenibilità degli interventi dopo la fine del finanziamento.",
      'I materiali degli incontri e la sintesi dei lavori di gruppo sono disponibili per i partecipanti.',
    ].join('\n\n'),
    format: 'in_person',
    location: 'Sala consiliare del Comune, Piazza De Gasperi 1, 20024 Garbagnate Milanese (MI)',
    capacity: 30,
    publication: 'published',
    opens: { daysBeforeFirst: 30 },
    sessions: [
      { title: 'Primo incontro — Tre reti a confronto: attori, regole, risorse', week: -7, weekday: 2, start: '09:30', end: '12:30' },
      { title: 'Secondo incontro — Coordinamento e strumenti di lavoro comune', week: -5, weekday: 2, start: '09:30', end: '12:30' },
      { title: 'Incontro conclusivo — Sostenibilità: che cosa resta dopo il progetto', week: -3, weekday: 2, start: '09:30', end: '12:30' },
    ],
    registrations: [
      'matteo.cattaneo',
      'chiara.galli',
      'laura.sala',
      'andrea.villa',
      'davide.gatti',
      'luca.mariani',
      'valentina.moretti',
      'elena.zanetti',
      'roberto.bonetti',
      'alessandro.fumagalli',
    ],
    // Three meetings and a 75% threshold: all three for a certificate. Six reach it, four do not.
    attended: {
      'matteo.cattaneo': [0, 1, 2],
      'chiara.galli': [0, 1, 2],
      'laura.sala': [0, 1, 2],
      'andrea.villa': [0, 2],
      'davide.gatti': [0, 1, 2],
      'luca.mariani': [1],
      'valentina.moretti': [0, 1, 2],
      'elena.zanetti': [0, 1],
      'roberto.bonetti': [0, 1, 2],
      'alessandro.fumagalli': [],
    },
    showcase: 'chiara.galli',
  },
  {
    slug: 'mediazione-interculturale-a-scuola',
    theme: 'mediazione-interculturale',
    kind: 'cycle',
    title: 'La mediazione interculturale a scuola — Secondo livello',
    summary: "Un ciclo di approfondimento per insegnanti e mediatori sull'accoglienza degli alunni con background migratorio (in preparazione).",
    description: [
      'La Lombardia è la prima regione italiana per numero di alunni con cittadinanza non italiana. Il ciclo, in preparazione, approfondisce con insegnanti e mediatori le azioni di prevenzione della dispersione scolastica e di accoglienza delle famiglie.',
      'Il programma e le date sono in corso di definizione con le reti.',
    ].join('\n\n'),
    format: 'in_person',
    location: 'Sala consiliare del Comune, Piazza De Gasperi 1, 20024 Garbagnate Milanese (MI)',
    contact: { name: 'Laura Brambilla', email: 'laura.brambilla@comune.garbagnate.example.it', phone: null },
    capacity: 25,
    publication: 'draft',
    opens: { daysFromToday: 30 },
    sessions: [
      { title: 'Primo incontro — Accogliere gli alunni neoarrivati', week: 12, weekday: 3, start: '14:30', end: '17:30' },
      { title: 'Secondo incontro — Prevenire la dispersione scolastica', week: 13, weekday: 3, start: '14:30', end: '17:30' },
      { title: 'Terzo incontro — Scuola, famiglie e mediatori: un patto educativo', week: 14, weekday: 3, start: '14:30', end: '17:30' },
    ],
  },
];
