"""OFD (GB/T 33190-2016) beside the PDF: the pages LibreOffice laid out, written again as OFD."""
