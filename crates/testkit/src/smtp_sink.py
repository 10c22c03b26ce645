"""A real SMTP server for Kefu's tests (aiosmtpd, from Debian's python3-aiosmtpd).

Every accepted mail is written whole to DIR as <id>.eml. Recipients starting with
"reject-" are refused for good (550), those starting with "later-" for now (451).
Usage: python3 smtp_sink.py PORT DIR
"""
import asyncio
import os
import sys
import uuid

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory):
        self.directory = directory

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject-"):
            return "550 5.1.1 <%s>: no such user here" % address
        if address.startswith("later-"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = uuid.uuid4().hex
        temp = os.path.join(self.directory, "." + name)
        with open(temp, "wb") as out:
            out.write(envelope.original_content or envelope.content)
        os.rename(temp, os.path.join(self.directory, name + ".eml"))
        return "250 2.0.0 accepted"


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        asyncio.new_event_loop().run_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
