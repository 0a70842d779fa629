"""The seed's Flask app (real_example.rst), for the web benchmark.

The three routes are the seed's, unchanged in substance; only the endpoints and the client come
from the environment (pointing at the dev provider), and the server is started the way
``app.run(debug=False, threaded=True)`` starts it, on a free port printed on stdout.
Per-request logging is off: werkzeug's access log would print the authorization codes.
"""
import logging
import os

from flask import Flask, redirect, request, session, url_for
from flask.json import jsonify
from requests_oauthlib import OAuth2Session
from werkzeug.serving import make_server

app = Flask(__name__)

client_id = os.environ["OAUTH_CLIENT_ID"]
client_secret = os.environ["OAUTH_CLIENT_SECRET"]
authorization_base_url = os.environ["OAUTH_AUTHORIZE_URL"]
token_url = os.environ["OAUTH_TOKEN_URL"]
user_url = os.environ["OAUTH_USER_URL"]


@app.route("/")
def demo():
    github = OAuth2Session(client_id)
    authorization_url, state = github.authorization_url(authorization_base_url)
    session["oauth_state"] = state
    return redirect(authorization_url)


@app.route("/callback", methods=["GET"])
def callback():
    github = OAuth2Session(client_id, state=session["oauth_state"])
    token = github.fetch_token(
        token_url, client_secret=client_secret, authorization_response=request.url
    )
    session["oauth_token"] = token
    return redirect(url_for(".profile"))


@app.route("/profile", methods=["GET"])
def profile():
    github = OAuth2Session(client_id, token=session["oauth_token"])
    return jsonify(github.get(user_url).json())


if __name__ == "__main__":
    # Plain http on loopback (the seed sets DEBUG=1 for the same reason).
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app.secret_key = os.urandom(24)
    server = make_server("127.0.0.1", int(os.environ.get("PORT", "0")), app, threaded=True)
    print(f"listening http://127.0.0.1:{server.port}", flush=True)
    server.serve_forever()
