// Step-up: run a WebAuthn assertion with the options the server put in #simis-step-up-options
// (json_script), then post the signed result. No inline script: the CSP forbids it.
(function () {
  'use strict'

  function init () {
    const button = document.getElementById('simis-step-up-button')
    const optionsElt = document.getElementById('simis-step-up-options')
    if (!button || !optionsElt) {
      return
    }
    const form = document.getElementById('simis-step-up-form')
    const input = document.getElementById('simis-step-up-credential')
    const status = document.getElementById('simis-step-up-status')
    const options = JSON.parse(optionsElt.textContent)

    button.addEventListener('click', async function () {
      button.disabled = true
      status.hidden = true
      try {
        const credential = await window.webauthnJSON.get(options)
        input.value = JSON.stringify(credential)
        form.submit()
      } catch (e) {
        status.textContent = button.dataset.errorText
        status.hidden = false
        button.disabled = false
      }
    })
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init)
  } else {
    init()
  }
})()
