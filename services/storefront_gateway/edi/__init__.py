"""EDI X12 (4010) with trading partners: inbound 850 purchase orders become orders, 997
functional acknowledgements go both ways, and outbound 856 ship notices follow each
dispatch. `x12` reads and writes interchanges (envelopes and counts checked); `documents`
says what each transaction set means."""
