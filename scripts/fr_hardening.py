"""French for the hardening of the API and the pages: refused input, confirmed contact
points, locked pickups."""

FR = {
    # contact points
    "This is not the code we sent. Check the latest message and try again.":
        "Ce n'est pas le code envoyé. Vérifiez le dernier message et réessayez.",
    "Too many attempts: ask for a new code in a few minutes.":
        "Trop de tentatives : demandez un nouveau code dans quelques minutes.",
    "e-mail confirmed at": "e-mail confirmé le",
    "phone confirmed at": "téléphone confirmé le",
    "Only staff confirm a customer's contact details.":
        "Seul le personnel confirme les coordonnées d'un client.",
    "There is nothing to confirm.": "Il n'y a rien à confirmer.",
    "Confirmed the phone number on file.": "Numéro de téléphone du dossier confirmé.",
    "Confirmed the e-mail address on file.": "Adresse e-mail du dossier confirmée.",
    "A code was sent less than a minute ago.": "Un code a été envoyé il y a moins d'une minute.",
    "Your confirmation code: %(code)s. Nobody from the shop will ask you for it.":
        "Votre code de confirmation : %(code)s. Personne de la boutique ne vous le demandera.",
    "Your confirmation code": "Votre code de confirmation",
    "Contact details confirmed.": "Coordonnées confirmées.",
    "Confirmed": "Confirmé",
    "Unconfirmed": "Non confirmé",
    "The customer confirms it": "Le client le confirme",
    "Added by another channel: no message with a code or an order goes there until it is confirmed.":
        "Ajouté par un autre canal : aucun message avec un code ou une commande n'y part tant qu'il "
        "n'est pas confirmé.",
    # refused input
    "The file is not CSV text: it holds NUL characters. Save it as CSV (UTF-8).":
        "Le fichier n'est pas du texte CSV : il contient des caractères NUL. Enregistrez-le en CSV (UTF-8).",
    "Line %(line)s cannot be read as CSV: %(reason)s.":
        "La ligne %(line)s ne peut pas être lue en CSV : %(reason)s.",
    "The request could not be read.": "La requête n'a pas pu être lue.",
    "You do not have permission to perform this action.": "Vous n'avez pas le droit de faire cette action.",
    "Not found.": "Introuvable.",
    "Something went wrong on our side; it was logged. Please retry.":
        "Une erreur est survenue de notre côté ; elle a été enregistrée. Veuillez réessayer.",
    "An Idempotency-Key has 1 to 255 visible ASCII characters.":
        "Une Idempotency-Key compte de 1 à 255 caractères ASCII visibles.",
    "Enter a date and time between 1970 and 2999.": "Saisissez une date et une heure entre 1970 et 2999.",
    "Content-Length is not a number.": "Content-Length n'est pas un nombre.",
    "The request body is larger than %(limit)s bytes.": "Le corps de la requête dépasse %(limit)s octets.",
    # locked pickups
    "Only a manager of the pickup store releases a locked pickup.":
        "Seul un responsable du magasin de retrait débloque un retrait bloqué.",
    "This pickup is not locked.": "Ce retrait n'est pas bloqué.",
    "Pickup code unlocked by the store manager": "Code de retrait débloqué par le responsable du magasin",
    "Too many wrong codes: this pickup is locked for a few minutes.":
        "Trop de codes erronés : ce retrait est bloqué pour quelques minutes.",
    "Unlock (the customer is here with the message)": "Débloquer (le client est là avec le message)",
    "A store manager can unlock it.": "Un responsable du magasin peut le débloquer.",
}
