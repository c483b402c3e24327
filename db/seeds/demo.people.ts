// Invented practitioners of the Lab'Impact territorial networks, for the demo sign-ups. Addresses are
// under the reserved example.org / example.it domains so no mail can reach a real person.
import type { Locale } from '../schema.ts';

export interface DemoPerson {
  firstName: string;
  lastName: string;
  email: string;
  organisation: string;
  role: string;
  network: string;
  locale?: Locale;
}

const DALMINE = 'Ambito di Dalmine';
const VISCONTEO = 'Distretto Visconteo Sudmilano';
const BASSA_BRESCIANA = 'Bassa Bresciana Orientale';
const GARBAGNATE = 'Rete di Garbagnate';
const BERGAMO = 'Ambito di Bergamo';
const BRESCIA = 'Ambito di Brescia';

export const DEMO_PEOPLE: Record<string, DemoPerson> = {
  'giulia.colombo': { firstName: 'Giulia', lastName: 'Colombo', email: 'giulia.colombo@comune-dalmine.example.it', organisation: 'Comune di Dalmine', role: 'Assistente sociale', network: DALMINE },
  'marco.ferrari': { firstName: 'Marco', lastName: 'Ferrari', email: 'm.ferrari@comune-garbagnate.example.it', organisation: 'Comune di Garbagnate Milanese', role: 'Funzionario comunale', network: GARBAGNATE },
  'amina.bouzid': { firstName: 'Amina', lastName: 'Bouzid', email: 'amina.bouzid@example.org', organisation: 'Cooperativa sociale Ponti Aperti', role: 'Mediatrice culturale', network: DALMINE },
  'francesca.brambilla': { firstName: 'Francesca', lastName: 'Brambilla', email: 'francesca.brambilla@ic-osiosotto.example.it', organisation: 'Istituto comprensivo di Osio Sotto', role: 'Insegnante', network: DALMINE },
  'luca.mariani': { firstName: 'Luca', lastName: 'Mariani', email: 'luca.mariani@comune-rozzano.example.it', organisation: 'Comune di Rozzano', role: 'Educatore', network: VISCONTEO },
  'chiara.galli': { firstName: 'Chiara', lastName: 'Galli', email: 'chiara.galli@asst-rhodense.example.it', organisation: 'ASST Rhodense', role: 'Assistente sociale', network: GARBAGNATE },
  'roberto.bonetti': { firstName: 'Roberto', lastName: 'Bonetti', email: 'r.bonetti@comune-montichiari.example.it', organisation: 'Comune di Montichiari', role: 'Funzionario comunale', network: BASSA_BRESCIANA },
  'elena.zanetti': { firstName: 'Elena', lastName: 'Zanetti', email: 'elena.zanetti@comune-carpenedolo.example.it', organisation: 'Comune di Carpenedolo', role: 'Assistente sociale', network: BASSA_BRESCIANA },
  'fatou.diop': { firstName: 'Fatou', lastName: 'Diop', email: 'fatou.diop@example.org', organisation: 'Associazione Donne del Mondo', role: 'Mediatrice culturale', network: BRESCIA },
  'oksana.kovalenko': { firstName: 'Oksana', lastName: 'Kovalenko', email: 'oksana.kovalenko@example.org', organisation: 'Comune di Bergamo', role: 'Mediatrice linguistico-culturale', network: BERGAMO, locale: 'en' },
  'paolo.ricci': { firstName: 'Paolo', lastName: 'Ricci', email: 'ufficiodipiano.ricci@ambito-dalmine.example.it', organisation: 'Ambito territoriale di Dalmine', role: "Coordinatore dell'Ufficio di Piano", network: DALMINE },
  'silvia.fontana': { firstName: 'Silvia', lastName: 'Fontana', email: 'silvia.fontana@ic-pieveemanuele.example.it', organisation: 'Istituto comprensivo di Pieve Emanuele', role: 'Insegnante', network: VISCONTEO },
  'andrea.villa': { firstName: 'Andrea', lastName: 'Villa', email: 'andrea.villa@comune-bollate.example.it', organisation: 'Comune di Bollate', role: 'Educatore', network: GARBAGNATE },
  'valentina.moretti': { firstName: 'Valentina', lastName: 'Moretti', email: 'v.moretti@comune-binasco.example.it', organisation: 'Comune di Binasco', role: 'Assistente sociale', network: VISCONTEO },
  'hamid.elamrani': { firstName: 'Hamid', lastName: 'El Amrani', email: 'hamid.elamrani@example.org', organisation: 'Cooperativa sociale Il Mosaico', role: 'Mediatore culturale', network: GARBAGNATE },
  'anna.pellegrini': { firstName: 'Anna', lastName: 'Pellegrini', email: 'anna.pellegrini@asst-garda.example.it', organisation: 'ASST del Garda', role: 'Assistente sociale', network: BASSA_BRESCIANA },
  'stefano.rota': { firstName: 'Stefano', lastName: 'Rota', email: 'stefano.rota@comune-stezzano.example.it', organisation: 'Comune di Stezzano', role: 'Funzionario comunale', network: DALMINE },
  'maria.locatelli': { firstName: 'Maria', lastName: 'Locatelli', email: 'maria.locatelli@comune-bergamo.example.it', organisation: 'Comune di Bergamo', role: 'Assistente sociale', network: BERGAMO },
  'davide.gatti': { firstName: 'Davide', lastName: 'Gatti', email: 'davide.gatti@comune-senago.example.it', organisation: 'Comune di Senago', role: 'Funzionario comunale', network: GARBAGNATE },
  'laura.sala': { firstName: 'Laura', lastName: 'Sala', email: 'laura.sala@ic-garbagnate.example.it', organisation: 'Istituto comprensivo di Garbagnate Milanese', role: 'Insegnante', network: GARBAGNATE },
  'ioana.popescu': { firstName: 'Ioana', lastName: 'Popescu', email: 'ioana.popescu@example.org', organisation: 'Comune di Opera', role: 'Mediatrice culturale', network: VISCONTEO },
  'giorgio.bertoli': { firstName: 'Giorgio', lastName: 'Bertoli', email: 'giorgio.bertoli@comune-calcinato.example.it', organisation: 'Comune di Calcinato', role: 'Educatore', network: BASSA_BRESCIANA },
  'federica.marchetti': { firstName: 'Federica', lastName: 'Marchetti', email: 'federica.marchetti@comune-treviolo.example.it', organisation: 'Comune di Treviolo', role: 'Assistente sociale', network: DALMINE },
  'matteo.cattaneo': { firstName: 'Matteo', lastName: 'Cattaneo', email: 'matteo.cattaneo@ambito-garbagnate.example.it', organisation: 'Ambito territoriale di Garbagnate Milanese', role: 'Funzionario comunale', network: GARBAGNATE },
  'yuliia.shevchenko': { firstName: 'Yuliia', lastName: 'Shevchenko', email: 'yuliia.shevchenko@example.org', organisation: 'Associazione Ponte per l\'Ucraina', role: 'Mediatrice linguistico-culturale', network: BERGAMO },
  'claudia.ferri': { firstName: 'Claudia', lastName: 'Ferri', email: 'claudia.ferri@comune-zanica.example.it', organisation: 'Comune di Zanica', role: 'Educatrice', network: DALMINE },
  'nicola.barbieri': { firstName: 'Nicola', lastName: 'Barbieri', email: 'nicola.barbieri@comune-lacchiarella.example.it', organisation: 'Comune di Lacchiarella', role: 'Funzionario comunale', network: VISCONTEO },
  'simona.rinaldi': { firstName: 'Simona', lastName: 'Rinaldi', email: 'simona.rinaldi@asst-bergamoovest.example.it', organisation: 'ASST Bergamo Ovest', role: 'Assistente sociale', network: DALMINE },
  'karim.benali': { firstName: 'Karim', lastName: 'Benali', email: 'karim.benali@example.org', organisation: 'Cooperativa sociale Ponti Aperti', role: 'Educatore', network: BERGAMO },
  'elisa.conti': { firstName: 'Elisa', lastName: 'Conti', email: 'elisa.conti@ic-montichiari.example.it', organisation: 'Istituto comprensivo di Montichiari', role: 'Insegnante', network: BASSA_BRESCIANA },
  'alessandro.fumagalli': { firstName: 'Alessandro', lastName: 'Fumagalli', email: 'a.fumagalli@comune-padernodugnano.example.it', organisation: 'Comune di Paderno Dugnano', role: 'Funzionario comunale', network: GARBAGNATE },
  'beatrice.longhi': { firstName: 'Beatrice', lastName: 'Longhi', email: 'beatrice.longhi@comune-brescia.example.it', organisation: 'Comune di Brescia', role: 'Assistente sociale', network: BRESCIA },
};
