"""French for following an order from any channel: tracking links, the public tracking page,
the orders of every channel on the 360° page, the tracking figures of journeys."""

FR = {
    # messages
    "Follow your order: %(url)s": "Suivez votre commande : %(url)s",
    "Your order %(number)s has been delivered.": "Votre commande %(number)s a été livrée.",
    "Your order %(number)s has been delivered": "Votre commande %(number)s a été livrée",
    "We have received the items you returned from order %(number)s at %(store)s: %(amount)s will be refunded.":
        "Nous avons bien reçu les articles de la commande %(number)s que vous avez rapportés à %(store)s : "
        "%(amount)s vous seront remboursés.",
    "Your return for order %(number)s": "Votre retour pour la commande %(number)s",
    "Hello %(first_name)s, here is the link to follow your order %(number)s.":
        "Bonjour %(first_name)s, voici le lien pour suivre votre commande %(number)s.",
    "Hello, here is the link to follow your order %(number)s.":
        "Bonjour, voici le lien pour suivre votre commande %(number)s.",
    "Follow your order %(number)s": "Suivez votre commande %(number)s",
    # refusals
    "Only staff who serve customers send tracking links.":
        "Seul le personnel au service des clients envoie des liens de suivi.",
    "Order %(number)s: Omni has no %(medium)s contact for this customer.":
        "Commande %(number)s : Omni n'a pas de coordonnée %(medium)s pour ce client.",
    "The tracking link of order %(number)s was sent by %(medium)s less than a minute ago.":
        "Le lien de suivi de la commande %(number)s a été envoyé par %(medium)s il y a moins d'une minute.",
    "Omni has no way to reach this customer by this medium.": "Omni ne peut pas joindre ce client par ce moyen.",
    "The tracking link was sent by this medium a moment ago.": "Le lien de suivi vient d'être envoyé par ce moyen.",
    "This order closed too long ago: its tracking link no longer works.":
        "Cette commande est close depuis trop longtemps : son lien de suivi ne fonctionne plus.",
    "Tracking link of %(number)s sent by %(medium)s to %(to)s.":
        "Lien de suivi de %(number)s envoyé par %(medium)s à %(to)s.",
    # models
    "sent by": "envoyé par",
    "tracking link sent": "lien de suivi envoyé",
    "tracking links sent": "liens de suivi envoyés",
    "Order followed": "Commande suivie",
    # the tracking page
    "The 6-digit pickup code from our SMS or e-mail (it is not shown on this page).":
        "Le code de retrait à 6 chiffres de notre SMS ou e-mail (il n'apparaît pas sur cette page).",
    "A means of payment: %(amount)s to pay at the counter.": "Un moyen de paiement : %(amount)s à régler au comptoir.",
    "The store is preparing your order: we will send you a message when it is ready.":
        "Le magasin prépare votre commande : nous vous enverrons un message dès qu'elle sera prête.",
    "Your order is waiting for you at the store.": "Votre commande vous attend au magasin.",
    "We are preparing your parcel.": "Nous préparons votre colis.",
    "Your parcel is on its way.": "Votre colis est en route.",
    "Your order": "Votre commande",
    "Link not found": "Lien introuvable",
    "This tracking link does not work": "Ce lien de suivi ne fonctionne pas",
    "It may have been mistyped or cut, or the order closed more than %(days)s days ago. Use the link of our "
    "latest message about your order, or ask the store.":
        "Il a peut-être été mal recopié ou coupé, ou la commande est close depuis plus de %(days)s jours. "
        "Utilisez le lien de notre dernier message sur votre commande, ou adressez-vous au magasin.",
    "Hello %(name)s, here is your order %(number)s": "Bonjour %(name)s, voici votre commande %(number)s",
    "Your order %(number)s": "Votre commande %(number)s",
    "We keep it for you until %(until)s.": "Nous la gardons pour vous jusqu'au %(until)s.",
    "Where it is": "Où en est-elle",
    "to come": "à venir",
    "Every change": "Toutes les étapes",
    "Where to collect it": "Où la retirer",
    "Bought at": "Achetée à",
    "Opening hours": "Horaires d'ouverture",
    "What to bring": "Quoi apporter",
    "What is ready": "Ce qui est prêt",
    "Items": "Articles",
    "%(count)s returned": ("%(count)s rapporté", "%(count)s rapportés"),
    "To pay at pickup": "À régler au retrait",
    "refund %(amount)s": "remboursement %(amount)s",
    "Placed on %(day)s · %(channel)s · %(fulfilment)s": "Passée le %(day)s · %(channel)s · %(fulfilment)s",
    "This page shows your order only, to whoever has the link of our message: keep it to yourself.":
        "Cette page ne montre que votre commande, à qui possède le lien de notre message : gardez-le pour vous.",
    # the 360° page
    "Orders, every channel": "Commandes, tous canaux",
    "Orders of every channel": "Commandes de tous les canaux",
    "Tracking link": "Lien de suivi",
    "The page the customer sees": "La page que voit le client",
    "Language of the message": "Langue du message",
    "Send the tracking link of %(number)s by SMS": "Envoyer le lien de suivi de %(number)s par SMS",
    "Send the tracking link of %(number)s by e-mail": "Envoyer le lien de suivi de %(number)s par e-mail",
    "closed": "close",
    "Only the latest %(count)s orders are shown.": "Seules les %(count)s dernières commandes sont affichées.",
    "No order yet, on any channel.": "Aucune commande pour l'instant, sur aucun canal.",
    # journeys
    "Orders followed through their tracking link": "Commandes suivies par leur lien de suivi",
    "%(via)s: %(orders)s (%(visits)s visits)": "%(via)s : %(orders)s (%(visits)s visites)",
}
