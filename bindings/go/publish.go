package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// PublishConfig says what Publish uploads and where.
type PublishConfig struct {
	// InputDir holds train.parquet, valid.parquet and test.parquet; an
	// optional dataset_card.md beside it (in its parent) becomes README.md.
	InputDir string
	// Repo is the HuggingFace dataset, "owner/name".
	Repo string
	// Public makes a created dataset public; false keeps it private.
	Public bool
	// Token authenticates; empty means HF_TOKEN, then ~/.huggingface/token.
	Token string
	// Context cancels the requests; nil means context.Background().
	Context context.Context
	// DryRun prints what would be uploaded and sends nothing.
	DryRun bool
}

// huggingFaceURL is where Publish sends its requests. It is a variable only
// so the package's own tests can point it at a local server.
var huggingFaceURL = "https://huggingface.co"

// jsonRequestTimeout bounds the repository requests; uploads have none, as
// in go-store, since a large split may take long.
const jsonRequestTimeout = 120 * time.Second

// publishFile is one local file and the path it gets in the dataset.
type publishFile struct {
	local  string
	remote string
}

// Publish uploads the Parquet splits of cfg.InputDir (and the dataset card)
// to a HuggingFace dataset, creating it if needed, printing progress to w
// (nil means standard output). It is the only function of the package that
// uses the network, and only when called without DryRun.
func Publish(cfg PublishConfig, w io.Writer) error {
	const op = "store.Publish"
	if w == nil {
		w = os.Stdout
	}
	if cfg.InputDir == "" {
		return usageError(op, "input directory is required")
	}
	if cfg.Repo == "" {
		return usageError(op, "repository is required")
	}
	token := resolveHFToken(cfg.Token)
	if token == "" && !cfg.DryRun {
		return usageError(op, "HuggingFace token required (--token, HF_TOKEN env, or ~/.huggingface/token)")
	}
	files, err := collectPublishFiles(cfg.InputDir)
	if err != nil {
		return err
	}
	if cfg.DryRun {
		return printDryRun(cfg, files, w)
	}
	ctx := cfg.Context
	if ctx == nil {
		ctx = context.Background()
	}
	client := &hubClient{base: huggingFaceURL, token: token, ctx: ctx}
	datasetURL := huggingFaceURL + "/datasets/" + cfg.Repo
	fmt.Fprintf(w, "Publishing to %s\n", datasetURL)
	if err := client.ensureDataset(cfg.Repo, !cfg.Public); err != nil {
		return fmt.Errorf("%s: ensure HuggingFace dataset: %w", op, err)
	}
	for _, file := range files {
		base := filepath.Base(file.local)
		if err := client.upload(cfg.Repo, file); err != nil {
			return fmt.Errorf("%s: upload %s: %w", op, base, err)
		}
		fmt.Fprintf(w, "  Uploaded %s -> %s\n", base, file.remote)
	}
	fmt.Fprintf(w, "\nPublished to %s\n", datasetURL)
	return nil
}

// resolveHFToken picks the explicit token, then HF_TOKEN, then the first
// non-empty token file under CORE_HOME (or the user's home) and $HOME.
// Unlike go-store, the homes are read at call time rather than at process
// start, so a changed HOME is honoured.
func resolveHFToken(explicit string) string {
	if explicit != "" {
		return explicit
	}
	if token := os.Getenv("HF_TOKEN"); token != "" {
		return token
	}
	coreHome := os.Getenv("CORE_HOME")
	if coreHome == "" {
		coreHome, _ = os.UserHomeDir()
	}
	for _, home := range []string{coreHome, os.Getenv("HOME")} {
		if home == "" {
			continue
		}
		content, err := os.ReadFile(filepath.Join(home, ".huggingface", "token"))
		if token := strings.TrimSpace(string(content)); err == nil && token != "" {
			return token
		}
	}
	return ""
}

// collectPublishFiles lists the splits present (in train, valid, test
// order) and the optional dataset card; at least one split is required.
func collectPublishFiles(inputDir string) ([]publishFile, error) {
	var files []publishFile
	for _, split := range []string{"train", "valid", "test"} {
		local := filepath.Join(inputDir, split+".parquet")
		if info, err := os.Stat(local); err == nil && !info.IsDir() {
			files = append(files, publishFile{local: local, remote: "data/" + split + ".parquet"})
		}
	}
	if len(files) == 0 {
		return nil, usageError("store.Publish", "no Parquet files found in "+inputDir)
	}
	card := filepath.Join(inputDir, "..", "dataset_card.md")
	if info, err := os.Stat(card); err == nil && !info.IsDir() {
		files = append(files, publishFile{local: card, remote: "README.md"})
	}
	return files, nil
}

func printDryRun(cfg PublishConfig, files []publishFile, w io.Writer) error {
	visibility := "private"
	if cfg.Public {
		visibility = "public"
	}
	fmt.Fprintf(w, "Dry run: would publish to %s\n", cfg.Repo)
	fmt.Fprintf(w, "  Visibility: %s\n", visibility)
	for _, file := range files {
		info, err := os.Stat(file.local)
		if err != nil {
			return fmt.Errorf("store.Publish: stat %s: %w", file.local, err)
		}
		fmt.Fprintf(w, "  %s -> %s (%.1f MB)\n", filepath.Base(file.local), file.remote, float64(info.Size())/1024/1024)
	}
	return nil
}

// hubClient sends the HuggingFace Hub requests of one Publish call.
type hubClient struct {
	base  string
	token string
	ctx   context.Context
}

// ensureDataset creates the dataset (an existing one, HTTP 409, is fine)
// and sets its visibility.
func (c *hubClient) ensureDataset(repo string, private bool) error {
	parts := strings.Split(repo, "/")
	create := map[string]any{"type": "dataset", "private": private}
	if len(parts) >= 2 {
		create["organization"] = parts[0]
		create["name"] = parts[1]
	} else {
		create["name"] = parts[0]
	}
	status, body, err := c.sendJSON(http.MethodPost, "/api/repos/create", create)
	if err != nil {
		return err
	}
	if status >= 300 && status != http.StatusConflict {
		return fmt.Errorf("create dataset failed: HTTP %d: %s", status, body)
	}
	status, body, err = c.sendJSON(http.MethodPut, "/api/repos/dataset/"+repo+"/settings", map[string]any{"private": private})
	if err != nil {
		return err
	}
	if status >= 300 {
		return fmt.Errorf("update dataset settings failed: HTTP %d: %s", status, body)
	}
	return nil
}

func (c *hubClient) sendJSON(method, path string, payload any) (int, string, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return 0, "", err
	}
	request, err := http.NewRequestWithContext(c.ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	request.Header.Set("Content-Type", "application/json")
	return c.do(&http.Client{Timeout: jsonRequestTimeout}, request)
}

// upload sends one file in a single PUT.
func (c *hubClient) upload(repo string, file publishFile) error {
	content, err := os.ReadFile(file.local)
	if err != nil {
		return err
	}
	request, err := http.NewRequestWithContext(c.ctx, http.MethodPut,
		c.base+"/api/datasets/"+repo+"/upload/main/"+file.remote, bytes.NewReader(content))
	if err != nil {
		return err
	}
	request.Header.Set("Content-Type", "application/octet-stream")
	request.ContentLength = int64(len(content))
	status, body, err := c.do(&http.Client{}, request)
	if err != nil {
		return err
	}
	if status >= 300 {
		return fmt.Errorf("upload failed: HTTP %d: %s", status, body)
	}
	return nil
}

// do sends an authorised request and returns the status and body text.
func (c *hubClient) do(client *http.Client, request *http.Request) (int, string, error) {
	request.Header.Set("Authorization", "Bearer "+c.token)
	response, err := client.Do(request)
	if err != nil {
		return 0, "", err
	}
	defer response.Body.Close()
	body, err := io.ReadAll(response.Body)
	if err != nil {
		return response.StatusCode, "", err
	}
	return response.StatusCode, strings.TrimSpace(string(body)), nil
}
