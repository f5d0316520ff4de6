package upload

import (
	"errors"
	"fmt"

	"datagen/src/objstore"
)

// oneLine turns a provider's error into one actionable line
// (objstore.OneLine); when the provider refused the temporary credentials
// of the prepared file, it says to run the upload again.
func oneLine(provider string, err error) error {
	return credentialsHint(objstore.OneLine(provider, "upload", err))
}

// credentialsHint adds to an error of the provider that refused the
// temporary credentials of the prepared file what to do about it.
func credentialsHint(err error) error {
	var pe *objstore.ProviderError
	if errors.As(err, &pe) && objstore.CredentialsRefused(pe.Code) {
		return fmt.Errorf("%w; the upload credentials Storage gave for this file expired or were refused: "+
			"run the upload again, it asks for a new file and new credentials", err)
	}
	return err
}
