"""The LibreOffice door: every conversion to PDF/A goes through here.

converter   the Converter protocol every converter honours, and the PDF/A export options
profile     the settings that keep soffice from reaching beyond its input
process     a supervised worker: a uno_worker process with its own profile, probed and killed
uno_worker  the worker program: its own soffice, one persistent UNO bridge, XML-RPC in front
client      talking to one running worker over XML-RPC, with timeouts
retry       what a failed attempt means, and a private folder per attempt
pool        the long-running workers the service converts on
cold        the one-shot soffice --convert-to, for single commands
"""
