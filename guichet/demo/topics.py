"""What residents write about, per kind of unit, and how agents answer: the text of the demo
cases. `{street}` and `{number}` are filled in with an address of the territory."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    subject: str
    message: str
    reply: str
    close: str
    question: str = ""  # asked when the case waits for the resident
    answer: str = ""  # the resident's answer to it
    note: str = ""  # an internal note between agents


TOPICS: dict[str, list[Topic]] = {
    "voirie": [
        Topic(
            "Nid-de-poule dangereux {street}",
            "Bonjour,\nUn nid-de-poule s'est formé devant le {number} {street}. Il fait une "
            "dizaine de centimètres de profondeur et les voitures font des écarts pour "
            "l'éviter. Un cycliste a failli tomber hier soir.\nMerci d'intervenir rapidement.",
            "Bonjour,\nMerci pour votre signalement. L'équipe de voirie passera dans la semaine "
            "pour un rebouchage provisoire à l'enrobé à froid ; la réfection définitive est "
            "prévue au programme de printemps.",
            "Le nid-de-poule a été rebouché ce matin par l'équipe de voirie. Merci encore "
            "pour votre vigilance.",
            question="Pouvez-vous nous préciser de quel côté de la chaussée il se trouve, ou "
            "nous envoyer une photo ?",
            answer="Côté pair, juste avant le passage piéton. Je vous joins une photo dès que "
            "possible.",
            note="Secteur déjà signalé en mars : prévoir la reprise complète de la bande de "
            "roulement.",
        ),
        Topic(
            "Lampadaire éteint {street}",
            "Bonsoir,\nLe lampadaire situé face au {number} {street} ne s'allume plus depuis "
            "une semaine. La rue est très sombre et les enfants rentrent de l'arrêt de bus à "
            "la nuit tombée.",
            "Bonjour,\nNous avons transmis votre demande à notre prestataire d'éclairage "
            "public, qui intervient chaque jeudi sur la commune.",
            "Le prestataire a remplacé la lampe et le ballast : le lampadaire fonctionne de "
            "nouveau.",
            note="Commande passée au prestataire, bon n° 2026-EP-114.",
        ),
        Topic(
            "Trottoir soulevé par les racines",
            "Madame, Monsieur,\nLe trottoir {street} est soulevé par les racines des platanes "
            "sur une vingtaine de mètres. Avec un fauteuil roulant, il est impossible de "
            "passer et je dois descendre sur la chaussée.",
            "Bonjour,\nMerci de nous avoir alertés. Un agent est passé constater : la reprise "
            "du trottoir nécessite un chantier que nous programmons avec les espaces verts.",
            "Les travaux de reprise du trottoir sont terminés et le passage est de nouveau "
            "accessible.",
            question="Pour prioriser l'intervention, pouvez-vous nous indiquer le numéro le "
            "plus proche ?",
            answer="C'est entre le 18 et le 24.",
        ),
        Topic(
            "Haie qui déborde sur le trottoir",
            "Bonjour,\nLa haie d'une propriété {street} déborde sur le trottoir au point "
            "qu'on ne peut plus passer avec une poussette. Pouvez-vous rappeler au "
            "propriétaire ses obligations ?",
            "Bonjour,\nUn courrier de rappel a été adressé au propriétaire, qui dispose de "
            "quinze jours pour tailler sa haie.",
            "La haie a été taillée par le propriétaire. Nous classons votre demande.",
        ),
        Topic(
            "Panneau stop arraché au carrefour",
            "Bonjour,\nLe panneau stop au carrefour de la {street} et de la rue de la Gare a "
            "été arraché, probablement par un camion. C'est un carrefour dangereux.",
            "Bonjour,\nMerci, une signalisation temporaire a été posée dès ce matin ; le "
            "panneau sera remplacé sous dix jours.",
            "Le nouveau panneau stop est en place.",
            note="Constat fait, photos au dossier. Voir avec l'assurance pour le recours.",
        ),
        Topic(
            "Déneigement de notre rue",
            "Bonjour,\nLa {street} n'a pas été déneigée ce matin alors qu'elle est en pente. "
            "Plusieurs voitures sont restées bloquées. Est-elle bien sur le circuit de "
            "déneigement ?",
            "Bonjour,\nVotre rue est sur le circuit secondaire, traité après les axes "
            "principaux et les abords des écoles. Le passage a eu lieu en fin de matinée.",
            "Nous avons ajouté la {street} au circuit prioritaire en raison de sa pente.",
        ),
        Topic(
            "Arbre tombé dans le parc",
            "Bonjour,\nAvec le coup de vent de cette nuit, un gros arbre est tombé dans le "
            "parc près de l'aire de jeux. Il faudrait sécuriser l'endroit.",
            "Bonjour,\nMerci, l'aire de jeux a été fermée et l'équipe des espaces verts "
            "procédera au tronçonnage demain.",
            "L'arbre a été évacué et l'aire de jeux a rouvert.",
        ),
    ],
    "dechets": [
        Topic(
            "Bac de tri non collecté",
            "Bonjour,\nMon bac jaune n'a pas été collecté mardi, alors qu'il était sorti la "
            "veille au soir devant le {number} {street}. Les voisins ont été collectés.",
            "Bonjour,\nNous avons vérifié auprès du prestataire : votre bac contenait des "
            "déchets non recyclables (sacs de déchets ménagers). Un autocollant a été apposé. "
            "Il sera collecté au prochain passage s'il ne contient que des emballages.",
            "Votre bac a été collecté lors de la tournée suivante.",
            question="Pouvez-vous nous confirmer si un autocollant orange a été apposé sur le "
            "couvercle ?",
            answer="Oui, il y avait un autocollant. J'ai retiré les sacs en trop.",
        ),
        Topic(
            "Demande d'enlèvement d'encombrants",
            "Bonjour,\nJe souhaite faire enlever un vieux canapé et un matelas. Je n'ai pas de "
            "véhicule pour aller à la déchèterie. Comment faire ?",
            "Bonjour,\nLa collecte des encombrants sur rendez-vous a lieu le deuxième mercredi "
            "du mois. Nous vous avons inscrit : déposez vos objets la veille au soir devant "
            "votre domicile, sans gêner le passage.",
            "Vos encombrants ont été enlevés lors de la collecte de ce mercredi.",
            question="Pouvez-vous nous indiquer le volume approximatif et votre adresse "
            "exacte ?",
            answer="Un canapé trois places et un matelas 140, au {number} {street}.",
        ),
        Topic(
            "Bac d'ordures ménagères cassé",
            "Bonjour,\nLe couvercle de mon bac gris s'est cassé lors de la dernière collecte. "
            "Le bac ne ferme plus et attire les chats. Pouvez-vous le remplacer ?",
            "Bonjour,\nUn nouveau bac vous sera livré sous quinze jours ; l'ancien sera repris "
            "à la livraison.",
            "Le bac de remplacement a été livré ce jour.",
            note="Bac 120 L, puce à réaffecter dans le logiciel de redevance.",
        ),
        Topic(
            "Dépôt sauvage près des conteneurs à verre",
            "Bonjour,\nDepuis plusieurs jours, des sacs et des cartons s'entassent à côté des "
            "conteneurs à verre {street}. Ça sent mauvais et c'est éparpillé par le vent.",
            "Bonjour,\nMerci pour votre signalement. Une équipe d'enlèvement est passée et "
            "une enquête est en cours pour identifier l'auteur du dépôt.",
            "Le site a été nettoyé et une caméra de surveillance temporaire y est installée.",
        ),
        Topic(
            "Horaires de la déchèterie en hiver",
            "Bonjour,\nLa déchèterie change-t-elle d'horaires en hiver ? Je voudrais y "
            "apporter des gravats samedi après-midi.",
            "Bonjour,\nDu 1er novembre au 31 mars, la déchèterie est ouverte le samedi de 9 h "
            "à 12 h et de 13 h 30 à 17 h. Les gravats sont acceptés jusqu'à 1 m³ par semaine.",
            "Nous espérons avoir répondu à votre question ; n'hésitez pas à nous écrire de "
            "nouveau.",
        ),
        Topic(
            "Contestation de la redevance incitative",
            "Madame, Monsieur,\nMa facture de redevance compte 26 levées de bac alors que je "
            "ne le sors qu'une fois par mois. Je conteste ce montant.",
            "Bonjour,\nNous avons consulté l'historique des levées de votre bac : 11 levées "
            "ont été enregistrées. Une erreur d'attribution de puce est en cause.",
            "Une facture rectificative vous sera adressée ; le trop-perçu sera déduit de la "
            "prochaine échéance.",
            question="Pouvez-vous nous communiquer le numéro inscrit sur la puce de votre "
            "bac ?",
            answer="Le numéro est 004 512 887.",
            note="Puce mal attribuée lors de l'échange de bacs de juin : vérifier les voisins.",
        ),
    ],
    "eau": [
        Topic(
            "Fuite d'eau sur la voie publique",
            "Bonjour,\nDe l'eau s'écoule en permanence d'une plaque dans le trottoir devant le "
            "{number} {street}. Cela dure depuis deux jours.",
            "Bonjour,\nMerci, notre équipe a localisé une fuite sur un branchement. "
            "L'intervention est programmée ; une coupure d'eau de deux heures pourra être "
            "nécessaire.",
            "La fuite a été réparée et la chaussée remise en état.",
            note="Branchement plomb : à inscrire au programme de renouvellement.",
        ),
        Topic(
            "Facture d'eau anormalement élevée",
            "Bonjour,\nMa dernière facture d'eau est trois fois plus élevée que d'habitude "
            "alors que notre consommation n'a pas changé. Pouvez-vous vérifier le relevé ?",
            "Bonjour,\nLe relevé du compteur semble cohérent : une fuite après compteur est "
            "possible. Nous vous invitons à vérifier en relevant le compteur le soir et le "
            "matin sans rien utiliser.",
            "Après réparation de la fuite par votre plombier, un écrêtement de la facture a "
            "été appliqué conformément à la loi Warsmann.",
            question="Pouvez-vous nous transmettre l'index actuel de votre compteur ?",
            answer="L'index est de 1 284 m³ ce matin, 1 281 hier soir.",
        ),
        Topic(
            "Ouverture d'un abonnement après emménagement",
            "Bonjour,\nNous emménageons le 1er du mois au {number} {street}. Comment ouvrir "
            "l'abonnement d'eau à notre nom ?",
            "Bonjour,\nVotre abonnement est ouvert à compter de la date d'entrée. Merci de nous "
            "envoyer l'index du compteur le jour de votre arrivée.",
            "Votre abonnement est actif ; bienvenue dans la communauté de communes !",
            question="Pouvez-vous nous envoyer une copie de votre bail ou acte de vente ?",
            answer="Je vous ai déposé le bail à l'accueil de la communauté de communes.",
        ),
        Topic(
            "Eau trouble au robinet",
            "Bonjour,\nDepuis ce matin l'eau du robinet est marron. Peut-on la boire ?",
            "Bonjour,\nDes travaux sur le réseau ont remis en suspension des dépôts. L'eau "
            "reste potable ; laissez couler quelques minutes jusqu'à ce qu'elle soit claire.",
            "La purge du réseau est terminée et l'eau est redevenue claire.",
        ),
        Topic(
            "Contrôle de l'assainissement avant vente",
            "Bonjour,\nJe vends ma maison et le notaire demande le diagnostic de raccordement "
            "au tout-à-l'égout. Comment obtenir un rendez-vous ?",
            "Bonjour,\nLe contrôle de raccordement est réalisé sous trois semaines ; le "
            "technicien vous appellera pour fixer la date.",
            "Le contrôle est conforme ; le certificat vous a été envoyé par courrier.",
        ),
    ],
    "etat-civil": [
        Topic(
            "Demande d'acte de naissance",
            "Bonjour,\nJe souhaite obtenir une copie intégrale de mon acte de naissance pour "
            "un dossier de mariage. Je suis né à Montfleury-sur-Orne.",
            "Bonjour,\nVotre acte de naissance vous sera adressé par courrier dans les trois "
            "jours ouvrés.",
            "Votre acte de naissance vous a été envoyé par courrier.",
            question="Pouvez-vous nous préciser votre date de naissance et les noms de vos "
            "parents ?",
            answer="Né le 14 mars 1991, fils de Jean et de Marie, née Weber.",
        ),
        Topic(
            "Livret de famille perdu",
            "Bonjour,\nNous avons perdu notre livret de famille lors d'un déménagement. "
            "Comment en obtenir un duplicata ?",
            "Bonjour,\nLa demande de second livret se fait auprès de la mairie du domicile. "
            "Nous avons lancé la demande auprès des communes détentrices des actes.",
            "Votre second livret de famille est disponible à l'accueil de la mairie.",
        ),
        Topic(
            "Recensement citoyen de mon fils",
            "Bonjour,\nMon fils a eu 16 ans le mois dernier. Peut-on faire son recensement "
            "en ligne ?",
            "Bonjour,\nLe recensement peut se faire en mairie sur présentation de sa pièce "
            "d'identité et du livret de famille, ou en ligne. L'attestation est remise le "
            "jour même.",
            "L'attestation de recensement a été remise à votre fils.",
        ),
        Topic(
            "Publication des bans",
            "Bonjour,\nNous souhaitons nous marier en juin à Montfleury. Quels documents "
            "faut-il fournir et dans quels délais ?",
            "Bonjour,\nLe dossier de mariage est à déposer au moins deux mois avant la date. "
            "Nous vous avons envoyé la liste des pièces et proposé un rendez-vous.",
            "Votre dossier de mariage est complet ; la publication des bans est affichée.",
            question="Pouvez-vous nous indiquer la date souhaitée et le nombre de témoins ?",
            answer="Le samedi 13 juin à 15 h, avec quatre témoins.",
        ),
        Topic(
            "Erreur dans un acte de décès",
            "Madame, Monsieur,\nLe prénom de mon père est mal orthographié dans son acte de "
            "décès (Gérard au lieu de Gérald). Comment le faire rectifier ?",
            "Bonjour,\nL'officier d'état civil peut rectifier une erreur matérielle sur "
            "présentation d'un justificatif (acte de naissance).",
            "L'acte a été rectifié ; vous pouvez en demander une nouvelle copie.",
        ),
    ],
    "enfance-jeunesse": [
        Topic(
            "Inscription à la cantine",
            "Bonjour,\nJe souhaite inscrire ma fille Léa (CE1) à la cantine les lundis, "
            "mardis et jeudis à partir de la rentrée des vacances.",
            "Bonjour,\nL'inscription est enregistrée à partir du lundi de la rentrée. Le "
            "tarif dépend de votre quotient familial.",
            "Léa est inscrite à la restauration scolaire. Bon appétit !",
            question="Pouvez-vous nous transmettre votre attestation de quotient familial de "
            "la CAF ?",
            answer="Voici mon quotient familial : 780. Je dépose l'attestation en mairie.",
        ),
        Topic(
            "Place en accueil de loisirs pendant les vacances",
            "Bonjour,\nReste-t-il des places à l'accueil de loisirs pour la première semaine "
            "des vacances, pour deux enfants de 6 et 9 ans ?",
            "Bonjour,\nIl reste des places pour les 6-8 ans ; les 9-12 ans sont sur liste "
            "d'attente. Nous vous recontactons en cas de désistement.",
            "Une place s'est libérée : vos deux enfants sont inscrits.",
        ),
        Topic(
            "Allergie alimentaire à la cantine",
            "Bonjour,\nMon fils est allergique à l'arachide. Comment mettre en place un projet "
            "d'accueil individualisé pour la cantine ?",
            "Bonjour,\nLe PAI est établi avec le médecin scolaire. Nous organisons une "
            "réunion avec l'école et le prestataire de restauration.",
            "Le PAI est signé ; le personnel de cantine a été informé.",
            note="Prévenir le prestataire : menus sans arachide, panier-repas possible.",
        ),
        Topic(
            "Facture de périscolaire erronée",
            "Bonjour,\nLa facture de périscolaire du mois dernier compte des soirs où mes "
            "enfants n'étaient pas présents (semaine de grève).",
            "Bonjour,\nVous avez raison : les jours de grève n'auraient pas dû être facturés. "
            "Un avoir sera déduit de la prochaine facture.",
            "L'avoir a été appliqué sur votre facture de ce mois.",
        ),
        Topic(
            "Inscription en petite section de maternelle",
            "Bonjour,\nNotre fille aura 3 ans en septembre. Quand et comment l'inscrire à "
            "l'école maternelle ?",
            "Bonjour,\nLes inscriptions scolaires ont lieu en mairie de mars à mai. Nous vous "
            "avons envoyé le formulaire.",
            "L'inscription est faite ; le certificat vous permet d'aller voir la directrice.",
            question="Pouvez-vous nous envoyer un justificatif de domicile ?",
            answer="Je vous envoie ma facture d'électricité.",
        ),
    ],
    "urbanisme": [
        Topic(
            "Déclaration préalable pour un abri de jardin",
            "Bonjour,\nJe souhaite installer un abri de jardin de 12 m² au {number} {street}. "
            "Faut-il une autorisation ?",
            "Bonjour,\nEntre 5 et 20 m², une déclaration préalable est nécessaire. Le "
            "formulaire Cerfa 13703 est à déposer en mairie ou en ligne.",
            "Votre déclaration préalable a été accordée ; l'arrêté vous a été envoyé.",
            question="L'abri sera-t-il visible depuis la rue ? Sa hauteur dépasse-t-elle "
            "2,50 m ?",
            answer="Il sera au fond du jardin, 2,20 m de haut.",
        ),
        Topic(
            "Travaux sans autorisation chez un voisin",
            "Madame, Monsieur,\nMon voisin construit une extension en limite de propriété "
            "depuis quinze jours. Je ne vois aucun panneau de permis de construire.",
            "Bonjour,\nUn agent assermenté se rendra sur place pour vérifier la situation "
            "administrative des travaux.",
            "La visite a été faite ; les suites relèvent de la procédure et ne peuvent pas vous "
            "être communiquées en détail.",
            note="Aucune autorisation déposée : rédiger un procès-verbal de constat.",
        ),
        Topic(
            "Certificat d'urbanisme pour une vente",
            "Bonjour,\nNotre notaire a besoin d'un certificat d'urbanisme d'information pour "
            "la parcelle AB 214. Quel est le délai ?",
            "Bonjour,\nLe délai d'instruction d'un certificat d'information est d'un mois à "
            "compter du dépôt.",
            "Le certificat d'urbanisme a été délivré et transmis à votre notaire.",
        ),
        Topic(
            "Consultation du plan local d'urbanisme",
            "Bonjour,\nMon terrain {street} est-il constructible ? Je ne trouve pas le PLU en "
            "ligne.",
            "Bonjour,\nVotre parcelle est en zone UB, constructible. Le PLU est consultable "
            "en mairie et sur le Géoportail de l'urbanisme.",
            "Nous espérons avoir répondu à votre question.",
        ),
        Topic(
            "Pose de panneaux solaires",
            "Bonjour,\nJe veux poser des panneaux photovoltaïques sur mon toit. Dois-je "
            "déposer une demande ?",
            "Bonjour,\nOui, une déclaration préalable. Votre maison est hors du périmètre des "
            "monuments historiques : pas d'avis de l'architecte des Bâtiments de France.",
            "Votre déclaration est acceptée tacitement.",
        ),
    ],
    "accueil": [
        Topic(
            "Réservation de la salle des fêtes",
            "Bonjour,\nLa salle des fêtes est-elle libre le samedi 14 pour un anniversaire "
            "(60 personnes) ? Quel est le tarif pour les habitants ?",
            "Bonjour,\nLa salle est disponible. Le tarif habitant est de 180 € le week-end, "
            "avec une caution de 500 €. Nous vous envoyons le contrat.",
            "Votre réservation est confirmée ; les clés sont à retirer le vendredi à 17 h.",
            question="Pouvez-vous nous confirmer la date et nous envoyer une attestation "
            "d'assurance ?",
            answer="Je confirme pour le samedi 14, je vous envoie l'attestation.",
        ),
        Topic(
            "Bruit de voisinage le soir",
            "Bonjour,\nDepuis un mois, un voisin {street} fait de la musique très fort "
            "jusqu'à 2 h du matin plusieurs fois par semaine. Nous avons essayé de lui parler, "
            "sans résultat.",
            "Bonjour,\nLe maire a adressé un courrier de rappel à la réglementation sur les "
            "bruits de voisinage. En cas de nouveau trouble nocturne, vous pouvez appeler la "
            "gendarmerie au 17.",
            "La situation semble réglée depuis le rappel. Nous classons votre demande.",
            note="Deuxième signalement pour la même adresse : proposer une médiation.",
        ),
        Topic(
            "Concession au cimetière",
            "Bonjour,\nLa concession de mes grands-parents arrive à échéance. Comment la "
            "renouveler ?",
            "Bonjour,\nLe renouvellement se fait en mairie ; le tarif d'une concession "
            "trentenaire est de 250 €.",
            "La concession est renouvelée pour trente ans.",
        ),
        Topic(
            "Inscription sur les listes électorales",
            "Bonjour,\nJe viens d'emménager. Jusqu'à quand puis-je m'inscrire sur les listes "
            "électorales pour voter aux prochaines élections ?",
            "Bonjour,\nVous pouvez vous inscrire jusqu'au sixième vendredi avant le scrutin, "
            "en mairie ou en ligne, avec un justificatif de domicile et une pièce d'identité.",
            "Votre inscription est enregistrée ; votre carte électorale vous sera envoyée.",
        ),
        Topic(
            "Chien errant dans le quartier",
            "Bonjour,\nUn chien sans collier erre depuis hier près de l'école {street}. Il "
            "n'est pas agressif mais les enfants ont peur.",
            "Bonjour,\nLa fourrière intercommunale a été prévenue et passera dans la journée.",
            "Le chien a été récupéré et rendu à son propriétaire grâce à sa puce.",
        ),
        Topic(
            "Question sur la taxe de séjour",
            "Bonjour,\nJe loue un gîte. À qui dois-je déclarer la taxe de séjour ?",
            "Bonjour,\nLa taxe de séjour est collectée par la communauté de communes, par "
            "déclaration trimestrielle en ligne.",
            "Vos identifiants de déclaration vous ont été envoyés.",
        ),
        Topic(
            "Attestation d'accueil pour ma famille",
            "Bonjour,\nMes parents viennent du Maroc cet été. Comment faire une attestation "
            "d'accueil ?",
            "Bonjour,\nL'attestation d'accueil se demande en mairie, en personne, avec un "
            "timbre fiscal de 30 €, un justificatif de domicile et de ressources.",
            "L'attestation d'accueil a été validée par le maire.",
            question="Quelles dates de séjour souhaitez-vous indiquer ?",
            answer="Du 5 juillet au 20 août.",
        ),
    ],
}

# Why a message sent to the wrong desk was passed on.
TRANSFER_REASONS = [
    "Relève du service compétent : transmis pour traitement.",
    "Compétence de la communauté de communes et non de la commune.",
    "Compétence communale : transmis à la mairie concernée.",
    "Demande arrivée à l'accueil, transmise au service qui la traite.",
]

REJECT_REASONS = [
    "Cette demande ne relève pas des compétences de la collectivité : nous vous invitons à "
    "vous adresser au Département.",
    "Doublon d'une demande déjà en cours de traitement.",
    "Il s'agit d'un litige entre particuliers : la collectivité ne peut pas intervenir.",
]

# Messages received from people without an account or through another channel.
PHONE_PREFIX = "Appel téléphonique retranscrit par l'accueil : "
COUNTER_PREFIX = "Demande reçue à l'accueil de la mairie : "
MAIL_PREFIX = "Courrier reçu et numérisé : "


def topic_key(unit_slug: str) -> str:
    return unit_slug if unit_slug in TOPICS else "accueil"

GENERIC_QUESTION = ("Pour traiter votre demande, pouvez-vous nous apporter quelques précisions "
                    "(adresse exacte, date, photo si possible) ?")
GENERIC_ANSWER = "Voici les précisions demandées. Merci de votre aide."
